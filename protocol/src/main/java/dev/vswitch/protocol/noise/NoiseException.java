package dev.vswitch.protocol.noise;

/** A handshake or transport message that cannot be processed: bad length, failed authentication, bad key. */
public class NoiseException extends RuntimeException {

    public NoiseException(String message) {
        super(message, null, false, false); // expected on hostile input: no stack trace to fill
    }
}
