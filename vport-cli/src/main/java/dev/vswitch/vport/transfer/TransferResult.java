package dev.vswitch.vport.transfer;

import java.util.HexFormat;

/**
 * What went over the connection: byte count and SHA-256. Both sides print it in the same format, so equal
 * lines mean the file arrived intact.
 */
public record TransferResult(long bytes, String sha256) {

    static TransferResult of(long bytes, byte[] digest) {
        return new TransferResult(bytes, HexFormat.of().formatHex(digest));
    }

    @Override
    public String toString() {
        return "bytes=" + bytes + " sha256=" + sha256;
    }
}
