/** The management REST API ({@code /api/v1}): networks, ports, MACs, tokens, captures and the cluster. */
package dev.vswitch.server.api;
