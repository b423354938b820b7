/**
 * How both programs write addresses for people and for files: one formatter, so the switch's logs and API and
 * the vport's status name the same endpoint with the same text.
 */
package dev.vswitch.protocol.text;
