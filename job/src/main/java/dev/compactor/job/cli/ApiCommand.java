package dev.compactor.job.cli;

import dev.compactor.job.BucketLocation;
import dev.compactor.job.CompactorOptions;
import dev.compactor.job.LocalDirectory;
import dev.compactor.job.LocalRunner;
import dev.compactor.job.OptionReader;
import dev.compactor.job.api.ApiSettings;
import dev.compactor.job.api.RunningApi;
import dev.compactor.job.api.RunningJobLookup;
import dev.compactor.job.cluster.FlinkRestClient;

import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "api",
        description = "Serve the status/control API alone, for a compaction job running on a Flink cluster.")
final class ApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--jobmanager", required = true, paramLabel = "HOST:PORT",
            description = "The job manager's REST address, to find the running job.")
    String jobManager;

    @Option(names = "--queryable-state", paramLabel = "HOST:PORT",
            description = "A task manager's queryable state proxy (default: the job manager's host, port 9069).")
    String queryableState;

    @Option(names = "--bucket", required = true, paramLabel = "DIR|URI",
            description = "The job's bucket, where control commands are written under _control/: a directory, "
                    + "or s3://bucket/prefix (with the job's s3.* options).")
    String bucket;

    @Option(names = "--job-name", defaultValue = LocalRunner.JOB_NAME,
            description = "Name of the job to serve (default: ${DEFAULT-VALUE}).")
    String jobName;

    @Mixin
    HelpOption help;

    @Mixin
    FlinkOptions options;

    Configuration configuration() {
        return options.use(conf -> {
            OptionReader.checkAll(conf, CompactorOptions.all());
            if (BucketLocation.isS3(bucket)) {
                conf.set(CompactorOptions.BUCKET, bucket);
                BucketLocation.s3Settings(conf); // a bad URI or s3.* option fails here, not at the first command
            } else {
                conf.set(CompactorOptions.BUCKET, LocalDirectory.resolve("--bucket", bucket).toString());
            }
            return conf;
        });
    }

    @Override
    public Integer call() throws Exception {
        Configuration conf = configuration();
        String token = ApiSettings.token(conf).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "the API needs a token: --" + CompactorOptions.API_TOKEN.key() + " or " + ApiSettings.TOKEN_ENV));
        HostAndPort rest = HostAndPort.parse(jobManager, spec);
        HostAndPort proxy = queryableState == null ? new HostAndPort(rest.host(), 9069)
                : HostAndPort.parse(queryableState, spec);
        RunningJobLookup job = new RunningJobLookup(new FlinkRestClient("http://" + rest.host() + ":" + rest.port()),
                jobName);
        PrintWriter out = spec.commandLine().getOut();
        try (RunningApi api = RunningApi.start(conf, proxy.host(), proxy.port(), job,
                BucketLocation.storeFactory(conf), token)) {
            out.printf("Status API on port %d for job '%s' at %s%n", api.port(), jobName, jobManager);
            out.flush();
            new CountDownLatch(1).await();
        }
        return 0;
    }

    record HostAndPort(String host, int port) {
        static HostAndPort parse(String text, CommandSpec spec) {
            int colon = text.lastIndexOf(':');
            try {
                return new HostAndPort(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new ParameterException(spec.commandLine(), "expected HOST:PORT, was '" + text + "'");
            }
        }
    }
}
