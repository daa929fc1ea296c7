package dev.compactor.events;

import dev.compactor.window.WindowOverrides;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The object names of the runbook's window commands: written by the API, read back by the classifier. */
class ControlCommandNamesTest {

    private static ControlCommand roundTrip(ControlCommand command) throws InvalidNameException {
        String key = command.objectKey("users");
        return ControlCommand.parseFileName(key.substring(key.lastIndexOf('/') + 1));
    }

    @Test
    void triggerUncompactAndRollbackWithOverridesSurviveTheirObjectName() throws Exception {
        String id = ControlCommand.newId(1_700_000_000_000L);
        assertEquals(ControlCommand.trigger(id, 1_699_999_200_000L), roundTrip(ControlCommand.trigger(id, 1_699_999_200_000L)));
        assertEquals(ControlCommand.uncompact(id, 7), roundTrip(ControlCommand.uncompact(id, 7)));
        WindowOverrides overrides = new WindowOverrides(512L << 20, 64L << 20, 8L << 20, false, "reference");
        ControlCommand retry = ControlCommand.rollback(id, 1_699_999_200_000L, overrides.spec());
        assertEquals(id + ".rollback-1699999200000~mem=536870912~target=67108864~rowgroup=8388608~sort=off"
                + "~engine=reference.json", retry.objectKey("users").substring("_control/users/".length()));
        ControlCommand read = roundTrip(retry);
        assertEquals(retry, read);
        assertEquals(overrides, WindowOverrides.parse(read.overrides()));
        assertEquals(ControlCommand.rollback(id, 5), roundTrip(ControlCommand.rollback(id, 5)), "plain rollback as before");
    }

    @Test
    void malformedOverridesAreRefused() {
        assertThrows(InvalidNameException.class,
                () -> ControlCommand.parseFileName("1700000000000-0123abcd.rollback-5~MEM=1.json"));
        assertThrows(IllegalArgumentException.class, () -> WindowOverrides.parse("mem=12"));
        assertThrows(IllegalArgumentException.class, () -> WindowOverrides.parse("engine=slow"));
        assertThrows(IllegalArgumentException.class, () -> WindowOverrides.parse("colour=red"));
    }
}
