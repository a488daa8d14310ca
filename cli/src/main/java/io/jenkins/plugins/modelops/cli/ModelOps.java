package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Versions;
import io.jenkins.plugins.modelops.deploy.kube.KubeException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code modelops}: the Jenkins steps' flow from a shell. Exit codes are a contract: 0 success, 1 the gate said no
 * (blessing failed), 2 bad input or usage, 3 anything else (an I/O or internal failure). {@code gate} has its own
 * (0 PASS, 1 FAIL, 2 bad input, 3 INCONCLUSIVE, 4 ERROR): there a failure to measure is 4, never 3.
 */
@Command(name = "modelops", mixinStandardHelpOptions = true, versionProvider = ModelOps.Version.class,
        description = "Train, serve and gate machine-learning models.",
        subcommands = {TrainCommand.class, ServeCommand.class, ImageCommand.class, DeployCommand.class,
                VerbCommands.Promote.class, VerbCommands.Abort.class, VerbCommands.Rollback.class,
                VerbCommands.Undeploy.class, RulesCommand.class, GateCommand.class, ProbeCommand.class,
                AlertsCommand.class, DashboardCommand.class, CommandLine.HelpCommand.class})
public final class ModelOps {

    public static final int OK = 0;
    public static final int REJECTED = 1;
    public static final int BAD_INPUT = 2;
    public static final int FAILED = 3;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. Used by main and by the tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // Tribuo logs every training detail through java.util.logging; our Progress sink says what matters.
        Logger.getLogger("").setLevel(Level.WARNING);
        Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
        CommandLine cli = new CommandLine(new ModelOps());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof InvalidInputException) {
                err.println("error: " + ((InvalidInputException) e).render(Flags::of));
                return BAD_INPUT;
            }
            if (e instanceof KubeException) { // says what was attempted and what is needed: no stack trace
                err.println("error: " + Flags.render(e.getMessage()));
                return FAILED;
            }
            err.println("error: " + e);
            e.printStackTrace(err);
            return commandLine.getCommand() instanceof GateCommand ? GateCommand.ERROR : FAILED;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"modelops " + Versions.modelops() + " (Tribuo " + Versions.tribuo() + ")"};
        }
    }
}
