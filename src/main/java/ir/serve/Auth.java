package ir.serve;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The receiver's checks of who sent a request, each in constant time: the bearer token, and PagerDuty's webhook
 * signature ({@code X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]}, HMAC-SHA256 of the raw body with the
 * subscription's secret; several values are sent while a secret is rotated, and any one that matches will do).
 */
final class Auth {
    private Auth() {
    }

    /** True when {@code header} is {@code Bearer <token>}. Compared as digests, so neither length nor content leaks. */
    static boolean bearer(String header, String token) {
        if (header == null) {
            return false;
        }
        String given = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        return MessageDigest.isEqual(sha256(given), sha256(token));
    }

    /** True when one of the {@code v1=} values of {@code header} is the HMAC-SHA256 of {@code body} with {@code secret}. */
    static boolean pagerDutySignature(String header, byte[] body, String secret) {
        if (header == null || header.length() > 4096) {
            return false;
        }
        byte[] expected = HexFormat.of().formatHex(hmacSha256(secret, body)).getBytes(StandardCharsets.US_ASCII);
        boolean any = false;
        for (String part : header.split(",")) {
            String p = part.strip();
            if (p.startsWith("v1=")) {
                byte[] given = p.substring(3).toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
                any |= MessageDigest.isEqual(given, expected); // every value compared, whichever matches
            }
        }
        return any;
    }

    static byte[] hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
