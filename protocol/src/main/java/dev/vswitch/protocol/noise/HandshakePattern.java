package dev.vswitch.protocol.noise;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A Noise handshake pattern (spec section 7): pre-messages and the token lists of each message, with
 * the psk modifiers of section 9 applied. Messages alternate, the initiator's first.
 *
 * @param oneWay true for the one-way patterns N, K and X, in which only the initiator sends
 */
public record HandshakePattern(String name, List<Token> initiatorPreMessage, List<Token> responderPreMessage,
                               List<List<Token>> messages, boolean oneWay) {

    public enum Token { E, S, EE, ES, SE, SS, PSK }

    /** The patterns of spec sections 7.4 (one-way), 7.5 (interactive) and 18 (deferred), in its notation. */
    private static final Map<String, String> BASE_PATTERNS = Map.ofEntries(
            Map.entry("N", "<- s; ...; -> e, es"),
            Map.entry("K", "-> s; <- s; ...; -> e, es, ss"),
            Map.entry("X", "<- s; ...; -> e, es, s, ss"),
            Map.entry("NN", "-> e; <- e, ee"),
            Map.entry("NK", "<- s; ...; -> e, es; <- e, ee"),
            Map.entry("NX", "-> e; <- e, ee, s, es"),
            Map.entry("KN", "-> s; ...; -> e; <- e, ee, se"),
            Map.entry("KK", "-> s; <- s; ...; -> e, es, ss; <- e, ee, se"),
            Map.entry("KX", "-> s; ...; -> e; <- e, ee, se, s, es"),
            Map.entry("XN", "-> e; <- e, ee; -> s, se"),
            Map.entry("XK", "<- s; ...; -> e, es; <- e, ee; -> s, se"),
            Map.entry("XX", "-> e; <- e, ee, s, es; -> s, se"),
            Map.entry("IN", "-> e, s; <- e, ee, se"),
            Map.entry("IK", "<- s; ...; -> e, es, s, ss; <- e, ee, se"),
            Map.entry("IX", "-> e, s; <- e, ee, se, s, es"),
            Map.entry("NK1", "<- s; ...; -> e; <- e, ee, es"),
            Map.entry("NX1", "-> e; <- e, ee, s; -> es"),
            Map.entry("X1N", "-> e; <- e, ee; -> s; <- se"),
            Map.entry("X1K", "<- s; ...; -> e, es; <- e, ee; -> s; <- se"),
            Map.entry("XK1", "<- s; ...; -> e; <- e, ee, es; -> s, se"),
            Map.entry("X1K1", "<- s; ...; -> e; <- e, ee, es; -> s; <- se"),
            Map.entry("X1X", "-> e; <- e, ee, s, es; -> s; <- se"),
            Map.entry("XX1", "-> e; <- e, ee, s; -> es, s, se"),
            Map.entry("X1X1", "-> e; <- e, ee, s; -> es, s; <- se"),
            Map.entry("K1N", "-> s; ...; -> e; <- e, ee; -> se"),
            Map.entry("K1K", "-> s; <- s; ...; -> e, es; <- e, ee; -> se"),
            Map.entry("KK1", "-> s; <- s; ...; -> e; <- e, ee, se, es"),
            Map.entry("K1K1", "-> s; <- s; ...; -> e; <- e, ee, es; -> se"),
            Map.entry("K1X", "-> s; ...; -> e; <- e, ee, s, es; -> se"),
            Map.entry("KX1", "-> s; ...; -> e; <- e, ee, se, s; -> es"),
            Map.entry("K1X1", "-> s; ...; -> e; <- e, ee, s; -> se, es"),
            Map.entry("I1N", "-> e, s; <- e, ee; -> se"),
            Map.entry("I1K", "<- s; ...; -> e, es, s; <- e, ee; -> se"),
            Map.entry("IK1", "<- s; ...; -> e, s; <- e, ee, se, es"),
            Map.entry("I1K1", "<- s; ...; -> e, s; <- e, ee, es; -> se"),
            Map.entry("I1X", "-> e, s; <- e, ee, s, es; -> se"),
            Map.entry("IX1", "-> e, s; <- e, ee, se, s; -> es"),
            Map.entry("I1X1", "-> e, s; <- e, ee, s; -> se, es"));

    /** Looks up a pattern such as {@code IKpsk2} or {@code XXpsk0+psk3}. */
    public static HandshakePattern named(String name) {
        int psk = name.indexOf("psk");
        String base = psk < 0 ? name : name.substring(0, psk);
        String text = BASE_PATTERNS.get(base);
        if (text == null) {
            throw new IllegalArgumentException("unknown Noise handshake pattern: " + name);
        }
        List<Token> initiatorPre = new ArrayList<>();
        List<Token> responderPre = new ArrayList<>();
        List<List<Token>> messages = new ArrayList<>();
        boolean preMessages = text.contains("...");
        for (String line : text.split(";")) {
            line = line.trim();
            if (line.equals("...")) {
                preMessages = false;
                continue;
            }
            boolean fromInitiator = line.startsWith("->");
            List<Token> tokens = tokens(line.substring(2));
            if (preMessages) {
                (fromInitiator ? initiatorPre : responderPre).addAll(tokens);
            } else {
                if (fromInitiator != (messages.size() % 2 == 0)) {
                    throw new IllegalStateException("pattern " + base + " does not alternate");
                }
                messages.add(tokens);
            }
        }
        if (psk >= 0) {
            for (String modifier : name.substring(psk).split("\\+")) {
                int position = Integer.parseInt(modifier.substring(3));
                if (position == 0) {
                    messages.get(0).add(0, Token.PSK);
                } else {
                    messages.get(position - 1).add(Token.PSK);
                }
            }
        }
        return new HandshakePattern(name, List.copyOf(initiatorPre), List.copyOf(responderPre),
                messages.stream().map(List::copyOf).toList(), base.length() == 1);
    }

    public boolean hasPsk() {
        return messages.stream().anyMatch(message -> message.contains(Token.PSK));
    }

    private static List<Token> tokens(String list) {
        List<Token> tokens = new ArrayList<>();
        for (String token : list.split(",")) {
            tokens.add(Token.valueOf(token.trim().toUpperCase(Locale.ROOT)));
        }
        return tokens;
    }
}
