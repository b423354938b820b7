package dev.vswitch.vport.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.PropertiesDefaultProvider;

/**
 * Defaults of {@code vport connect}'s options from the file its {@code --config} option names, so that a service (the
 * systemd unit {@code vport@NAME}) keeps each vport's settings in a file instead of on a command line. The file is
 * Java properties whose keys are the long option names without dashes ({@code token-file=/etc/vport/lab.token},
 * {@code tap=lab0}, {@code ip=198.19.0.1/24}, {@code mtu=1406}) and {@link #SWITCH_KEY} for the switches; options given
 * on the command line win, as picocli applies defaults only to options that were not given. Picocli's
 * {@link PropertiesDefaultProvider} does the lookup; this class adds what a service's file needs: the file is named on
 * the command line, and a missing file, an unknown key (a typo would otherwise be ignored silently) and a token in the
 * file are errors. A relative path in the file is taken relative to the file's folder, not to wherever the service
 * happens to start.
 */
public final class ConfigFileDefaults implements IDefaultValueProvider {

    static final String OPTION = "--config";
    /** The key of the positional switch addresses ({@code HOST:PORT}, a comma list for several). */
    static final String SWITCH_KEY = "switch";
    /** Keys refused in the file: the token is a secret and belongs in a file of its own, named by token-file. */
    private static final Set<String> SECRET_KEYS = Set.of("token");
    private static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config");

    private Path loadedFrom;
    private PropertiesDefaultProvider lookup;
    private final Set<ArgSpec> supplied = Collections.newSetFromMap(new IdentityHashMap<>());

    @Override
    public String defaultValue(ArgSpec arg) throws Exception {
        OptionSpec configOption = arg.command().findOption(OPTION);
        Path file = configOption == null ? null : configOption.getValue();
        if (file == null) {
            return null;
        }
        if (file != loadedFrom) { // each parse converts --config into a new Path: read the file once per parse
            load(arg.command(), file);
        }
        String value = lookup.defaultValue(arg);
        if (value == null) {
            return null;
        }
        supplied.add(arg);
        if (Path.class.equals(arg.type()) && !value.isBlank()) {
            Path folder = file.toAbsolutePath().getParent();
            return folder.resolve(value.strip()).toString();
        }
        return value.strip();
    }

    /** Whether {@code arg}'s value came from the file (so that an error about it can say where to look). */
    boolean supplied(ArgSpec arg) {
        return arg != null && supplied.contains(arg);
    }

    /** The file the values came from. */
    Path file() {
        return loadedFrom;
    }

    private void load(CommandSpec command, Path file) {
        Properties read = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            read.load(reader);
        } catch (NoSuchFileException e) {
            throw error(command, "config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw error(command, "cannot read config file " + file + ": " + e.getMessage());
        }
        Set<String> known = keys(command);
        for (String key : read.stringPropertyNames()) {
            if (SECRET_KEYS.contains(key)) {
                throw error(command, "config file " + file + " sets " + key + "=: keep the join token in a file of its own"
                        + " (mode 0640) and name it with token-file=FILE");
            }
            if (!known.contains(key)) {
                throw error(command, "unknown key '" + key + "' in config file " + file + " (keys are the long options without"
                        + " dashes: " + String.join(", ", known) + ")");
            }
        }
        lookup = new PropertiesDefaultProvider(read);
        supplied.clear();
        loadedFrom = file;
    }

    /** The keys the file may set: every long option of the command but help, version and config, and the switches. */
    private static Set<String> keys(CommandSpec command) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec option : command.options()) {
            String name = option.longestName().replaceFirst("^-+", "");
            if (!NOT_SETTINGS.contains(name) && !SECRET_KEYS.contains(name)) {
                keys.add(name);
            }
        }
        for (PositionalParamSpec positional : command.positionalParameters()) {
            if (positional.descriptionKey() != null && !positional.descriptionKey().isEmpty()) {
                keys.add(positional.descriptionKey());
            }
        }
        return keys;
    }

    private static ParameterException error(CommandSpec command, String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
