package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failure of a running command as one line on stderr, never a stack trace: a
 * {@link VportException} with its own exit code, anything else as {@link ExitCode#RUNTIME_ERROR}.
 */
final class ExecutionErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, ParseResult parseResult) {
        command.getErr().println(ErrorLine.of(describe(ex)));
        command.getErr().flush();
        return ex instanceof VportException known ? known.exitCode().code() : ExitCode.RUNTIME_ERROR.code();
    }

    /** A VportException's message is written for the user; anything else also needs its type to make sense. */
    private static String describe(Exception ex) {
        if (ex instanceof VportException) {
            return ex.getMessage();
        }
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getClass().getSimpleName() + ": " + ex.getMessage();
    }
}
