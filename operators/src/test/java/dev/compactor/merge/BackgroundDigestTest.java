package dev.compactor.merge;

import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackgroundDigestTest {

    @Test
    void hashesEveryByteInTheOrderWrittenAcrossReusedBlocks() throws Exception {
        Random random = new Random(3);
        BackgroundDigest background = new BackgroundDigest();
        MessageDigest direct = MessageDigest.getInstance("SHA-256");
        long total = 0;
        // more than all blocks hold at once, in writes from one byte to several blocks
        while (total < 3L * BackgroundDigest.BLOCKS * BackgroundDigest.BLOCK) {
            int length = random.nextInt(4) == 0 ? random.nextInt(3 * BackgroundDigest.BLOCK) : random.nextInt(100);
            byte[] bytes = new byte[length + 7];
            random.nextBytes(bytes);
            background.update(bytes, 7, length);
            direct.update(bytes, 7, length);
            // the caller reuses its buffer as soon as update returns
            random.nextBytes(bytes);
            total += length;
        }
        assertThat(background.hex()).isEqualTo(HexFormat.of().formatHex(direct.digest()));
    }

    @Test
    void nothingWrittenIsTheEmptyHash() throws Exception {
        assertThat(new BackgroundDigest().hex())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest()));
    }
}
