package dev.compactor.job.cli;

import java.util.List;

/**
 * Commands another module adds to {@code bin/compactor} (the savepoints module's {@code state} and {@code verify}),
 * found with {@link java.util.ServiceLoader} so that this module does not depend on them.
 */
public interface CompactorSubcommands {

    /** Picocli command objects (annotated with {@code @Command}), added as subcommands of {@code compactor}. */
    List<Object> commands();
}
