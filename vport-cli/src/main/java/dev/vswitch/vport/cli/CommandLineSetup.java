package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Replaces the Quarkus extension's default {@link CommandLine} with one that reports errors in one line
 * with vport's exit codes, and whose every {@code --help} shows defaults and an exit-code section. Doing it
 * here, for the whole command tree, keeps the exit codes in one place ({@link ExitCode}).
 */
@ApplicationScoped
public class CommandLineSetup {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        CommandLine commandLine = factory.create();
        commandLine.setParameterExceptionHandler(new ParameterErrorHandler());
        commandLine.setExecutionExceptionHandler(new ExecutionErrorHandler());
        document(commandLine);
        return commandLine;
    }

    private static void document(CommandLine command) {
        String name = command.getCommandSpec().qualifiedName();
        List<ExitCode> codes = name.startsWith("vport transfer") ? ExitCode.forTransfer()
                : name.equals("vport connect") ? ExitCode.forConnect()
                : name.equals("vport keygen") || name.equals("vport pubkey") ? ExitCode.forKeys()
                : name.equals("vport status") ? ExitCode.forStatus()
                : List.of(ExitCode.values());
        UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        usage.showDefaultValues(true);
        usage.exitCodeListHeading("%nExit codes:%n");
        usage.exitCodeList(exitCodeList(codes));
        command.getSubcommands().values().forEach(CommandLineSetup::document);
    }

    private static Map<String, String> exitCodeList(List<ExitCode> codes) {
        Map<String, String> list = new LinkedHashMap<>();
        codes.forEach(exit -> list.put(Integer.toString(exit.code()), exit.description()));
        return list;
    }
}
