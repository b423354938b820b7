package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * Reports a command line that could not be parsed in one line on stderr, instead of picocli's message plus
 * the whole usage text. A value that did not convert (bad CIDR, MAC, port, ...) exits with
 * {@link ExitCode#BAD_VALUE}; anything else (unknown option, missing argument) with {@link ExitCode#USAGE}. A value that
 * came from {@code connect --config FILE} says so, as the user would look for it on the command line in vain.
 */
final class ParameterErrorHandler implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        ExitCode exit = ex.getCause() instanceof TypeConversionException ? ExitCode.BAD_VALUE : ExitCode.USAGE;
        String origin = command.getCommandSpec().defaultValueProvider() instanceof ConfigFileDefaults config && config.supplied(ex.getArgSpec())
                ? " (set in " + config.file() + ")" : "";
        command.getErr().println(ErrorLine.of(ex.getMessage()) + origin + " (see '" + command.getCommandSpec().qualifiedName() + " --help')");
        command.getErr().flush();
        return exit.code();
    }
}
