package dev.vswitch.vport.transfer;

/**
 * Hears how far a transfer has come: {@link DigestingCopy} tells it when the data starts, after every buffer, and when
 * the copy ends, complete or not. Scripts get {@link #NONE}; a person at a terminal gets a {@link TerminalProgress}.
 */
public interface CopyProgress {

    /** Shows nothing. */
    CopyProgress NONE = new CopyProgress() {
        @Override
        public void started(long expectedBytes) {
        }

        @Override
        public void copied(long bytesSoFar) {
        }

        @Override
        public void finished() {
        }
    };

    /** The first byte is about to flow; {@code expectedBytes} is the size when known (the sender's file), else negative. */
    void started(long expectedBytes);

    void copied(long bytesSoFar);

    /** The copy ended, whether complete or broken off; called once, after the last {@link #copied}. */
    void finished();
}
