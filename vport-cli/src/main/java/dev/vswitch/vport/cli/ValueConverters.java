package dev.vswitch.vport.cli;

import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.values.InterfaceName;
import dev.vswitch.vport.values.Ipv4Cidr;
import dev.vswitch.vport.values.OptionValues;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * Picocli converters for option values. A value that does not parse becomes a
 * {@link TypeConversionException}, which {@link ParameterErrorHandler} reports with exit code 6 rather than
 * the generic usage error 2.
 */
final class ValueConverters {

    private ValueConverters() {
    }

    /** Runs a parser from the values package, turning its IllegalArgumentException into picocli's kind. */
    private abstract static class Checked<T> implements ITypeConverter<T> {
        @Override
        public T convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        abstract T parse(String value);
    }

    static final class Cidr extends Checked<Ipv4Cidr> {
        @Override
        Ipv4Cidr parse(String value) {
            return Ipv4Cidr.parse(value);
        }
    }

    static final class Mac extends Checked<Long> {
        @Override
        Long parse(String value) {
            return OptionValues.unicastMac(value);
        }
    }

    static final class TapMtu extends Checked<Integer> {
        @Override
        Integer parse(String value) {
            return OptionValues.mtu(value);
        }
    }

    static final class Port extends Checked<Integer> {
        @Override
        Integer parse(String value) {
            return OptionValues.port(value);
        }
    }

    static final class Seconds extends Checked<Integer> {
        @Override
        Integer parse(String value) {
            return OptionValues.seconds(value);
        }
    }

    /** --offload: auto, on or off; also true and false, as a config file written for the old flag says. */
    static final class Offload implements ITypeConverter<PathProof.Mode> {
        @Override
        public PathProof.Mode convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "auto" -> PathProof.Mode.AUTO;
                case "on", "true" -> PathProof.Mode.ON;
                case "off", "false" -> PathProof.Mode.OFF;
                default -> throw new TypeConversionException("'" + value + "' is not auto, on or off");
            };
        }
    }

    /**
     * Takes the word after {@code --offload} only when it is a mode, so that {@code --offload HOST:PORT} stays the old
     * flag followed by the switch; {@code --offload=WORD} always names the mode, so a wrong word there gets its error.
     */
    static final class OffloadWord implements IParameterPreprocessor {
        private static final Set<String> MODES = Set.of("auto", "on", "off", "true", "false");

        @Override
        public boolean preprocess(Stack<String> args, CommandSpec commandSpec, ArgSpec argSpec, Map<String, Object> info) {
            boolean attached = !" ".equals(info.get("separator"));
            if (!attached && (args.isEmpty() || !MODES.contains(args.peek().trim().toLowerCase(Locale.ROOT)))) {
                args.push("on"); // --offload alone, as the flag it used to be
            }
            return false; // picocli goes on to take the word from the stack and convert it
        }
    }

    static final class Interface extends Checked<String> {
        @Override
        String parse(String value) {
            return InterfaceName.validate(value);
        }
    }
}
