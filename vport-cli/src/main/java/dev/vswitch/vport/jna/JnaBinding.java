package dev.vswitch.vport.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.util.function.Supplier;

/**
 * Chooses, once per libc binding, which of JNA's two mappings implements it.
 *
 * <ul>
 *   <li><b>Direct mapping</b> ({@code Native.register} on a class of {@code native} methods) costs one JNI transition
 *       per call and allocates nothing: what the per-frame path needs on the JVM. It does not link in a GraalVM native
 *       image: the image looks for a JNI symbol per native method ({@code Java_dev_vswitch_..._open}) and never sees
 *       the stubs JNA registers at run time, so the first call fails with {@code UnsatisfiedLinkError}.</li>
 *   <li><b>Interface mapping</b> ({@code Native.load} of a {@link Library} interface) goes through a dynamic proxy,
 *       an {@code Object[]} of boxed arguments and a reflective lookup per call. It works in a native image, given the
 *       proxy and JNA's own JNI registrations ({@code META-INF/native-image/}).</li>
 * </ul>
 *
 * A binding is a {@link Library} interface that declares the calls, with a JVM-only class implementing it by direct
 * mapping; the interface holds the one instance everyone calls, taken from {@link #choose}. The rest of the code never
 * names the direct class, so it never runs inside a native image.
 */
public final class JnaBinding {

    /** Forces a mapping on the JVM, {@code interface} or {@code direct} (the default): tests run both for real. */
    public static final String PROPERTY = "vswitch.jna.binding";
    /** Set by GraalVM while it builds an image ({@code buildtime}) and inside the image ({@code runtime}). */
    static final String IMAGE_CODE_PROPERTY = "org.graalvm.nativeimage.imagecode";

    private JnaBinding() {
    }

    /**
     * The implementation of {@code binding} to call: libc loaded through interface mapping in a native image or when
     * {@link #PROPERTY} asks for it, else {@code direct}, the class whose methods are registered with direct mapping.
     */
    public static <T extends Library> T choose(Class<T> binding, Supplier<? extends T> direct) {
        return interfaceMapping() ? Native.load(Platform.C_LIBRARY_NAME, binding) : direct.get();
    }

    /** Whether {@link #choose} takes the interface mapping in this process. */
    public static boolean interfaceMapping() {
        if (System.getProperty(IMAGE_CODE_PROPERTY) != null) {
            return true; // direct mapping cannot link here, whatever the property says
        }
        String mapping = System.getProperty(PROPERTY, "direct");
        return switch (mapping) {
            case "interface" -> true;
            case "direct" -> false;
            default -> throw new IllegalArgumentException(PROPERTY + " must be interface or direct, not " + mapping);
        };
    }
}
