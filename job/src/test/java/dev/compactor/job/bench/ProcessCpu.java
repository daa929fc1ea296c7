package dev.compactor.job.bench;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;

/**
 * CPU time of this JVM, all threads and RocksDB's native ones included. Wall-clock rates on a shared machine say
 * as much about the neighbours as about the code; CPU per event does not.
 */
final class ProcessCpu {

    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private ProcessCpu() {}

    static long nanos() {
        return OS.getProcessCpuTime();
    }
}
