package dev.vswitch.vport.values;

/** Validation of a Linux network interface name, by the kernel's own rules, before any system call. */
public final class InterfaceName {

    /** IFNAMSIZ, including the terminating NUL. */
    public static final int MAX_BYTES = 16;

    private InterfaceName() {
    }

    /**
     * Returns the name if the kernel would accept it: 1 to 15 printable ASCII characters, no '/', ':' or
     * whitespace, not "." or "..". Non-ASCII is refused too, because its byte length is easy to misjudge.
     */
    public static String validate(String name) {
        if (name.isEmpty() || name.length() >= MAX_BYTES) {
            throw new IllegalArgumentException("interface name must be 1-" + (MAX_BYTES - 1) + " characters: '" + name + "'");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not an interface name: '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '/' || c == ':') {
                throw new IllegalArgumentException("interface name may not contain '" + c + "' (use letters, digits, '-', '_' or '.'): '" + name + "'");
            }
        }
        return name;
    }
}
