/**
 * The Noise protocol framework as the secure protocol uses it (IKpsk2 over X25519, AES-GCM, SHA-256): handshake state,
 * symmetric state, cipher state, each checked against the published test vectors.
 */
package dev.vswitch.protocol.noise;
