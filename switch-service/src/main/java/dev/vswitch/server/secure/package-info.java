/**
 * The secure port, a {@link dev.vswitch.server.udp.DatagramHandler}. A datagram's way in, in order (the methods of
 * {@link dev.vswitch.server.secure.SecureDatagramSwitch} follow it):
 * <ol>
 *   <li>{@code onDatagram}: the message type picks the path; a malformed or unexpected message is a counted drop.</li>
 *   <li>An initiation, on the event loop ({@code onInitiation}): mac1 (else refused as made for another switch); under
 *       load, mac2 (else a cookie reply); the source's rate limit (its address, or its IPv6 /64); then queued for the
 *       handshake workers, known sources ahead of strangers ({@link dev.vswitch.server.secure.HandshakeWorkers}).</li>
 *   <li>On a worker ({@code readAndAnswer}): the Diffie-Hellman; the network exists and admits the key; the response is
 *       written. A trunk initiation goes to the replica mesh instead.</li>
 *   <li>Back on the event loop ({@code acceptOnEventLoop}): the key is not in use elsewhere, the timestamp is newer than
 *       any accepted ({@link dev.vswitch.server.secure.ReplayMemory} outlives the vport); the session is installed,
 *       pending, and the response sent.</li>
 *   <li>Data ({@code onData}): the session by receiver index, not expired; opened (replay window, then tag); the first
 *       data confirms a pending session; authentic data from a new address moves the session there (roaming).</li>
 *   <li>The frame ({@link dev.vswitch.server.secure.FrameForwarder}): its network's switching core decides; the frame
 *       goes out sealed to each chosen port, cut into ordinary frames for a port that takes no offload.</li>
 *   <li>Once a second ({@code sweep}): expired sessions go, a vport without sessions is forgotten, the mesh ticks, the
 *       cores age their MACs.</li>
 * </ol>
 */
package dev.vswitch.server.secure;
