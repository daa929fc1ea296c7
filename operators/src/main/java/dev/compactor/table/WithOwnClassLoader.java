package dev.compactor.table;

/**
 * Runs a table library's set-up with the job's own class loader as the thread's context loader. Hadoop's file system
 * starts its shutdown-hook thread on first use, that thread keeps the context loader it was created with, and Flink's
 * user-code loader of a local run is closed by the time the hook runs at exit (a stack trace on every Ctrl-C).
 */
final class WithOwnClassLoader {

    /** The set-up; it may throw what its library throws. */
    interface Setup<T, E extends Exception> {
        T run() throws E;
    }

    private WithOwnClassLoader() {}

    static <T, E extends Exception> T run(Setup<T, E> setup) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(WithOwnClassLoader.class.getClassLoader());
        try {
            return setup.run();
        } finally {
            thread.setContextClassLoader(context);
        }
    }
}
