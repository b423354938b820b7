package dev.vswitch.vport.cli;

import dev.vswitch.vport.values.InterfaceName;
import dev.vswitch.vport.values.Ipv4Cidr;
import dev.vswitch.vport.values.OptionValues;
import picocli.CommandLine.ITypeConverter;
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

    static final class Interface extends Checked<String> {
        @Override
        String parse(String value) {
            return InterfaceName.validate(value);
        }
    }
}
