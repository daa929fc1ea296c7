package dev.compactor.job.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the build made for a cluster: the flink-app jar that is submitted, and the Flink runtime classpath the
 * cluster's JVMs run on. bin/compactor and the cluster IT name both through system properties.
 */
public record ClusterArtifacts(Path appJar, String runtimeClasspath) {

    public static final String APP_JAR_PROPERTY = "compactor.app-jar";
    public static final String CLASSPATH_FILE_PROPERTY = "compactor.cluster-classpath";

    public static ClusterArtifacts fromSystemProperties() throws IOException {
        Path jar = existing(APP_JAR_PROPERTY);
        Path classpathFile = existing(CLASSPATH_FILE_PROPERTY);
        return new ClusterArtifacts(jar, Files.readString(classpathFile, StandardCharsets.UTF_8).trim());
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run the cluster commands"
                    + " through bin/compactor, which builds the job and sets it");
        }
        Path path = Path.of(value);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(property + " names " + path + ", which does not exist; build the job"
                    + " with 'mvn -pl job -am package -DskipTests'");
        }
        return path;
    }
}
