package io.geminibalance.requestlog;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in free text (upstream error messages, request bodies) before it is stored or
 * logged: Google API keys, {@code sk-} tokens and any secret registered explicitly (client tokens,
 * the admin token, proxy passwords). Each secret keeps its last 4 characters so people can tell
 * which one it was. Thread-safe.
 */
public final class SecretRedactor {
  private static final Pattern GOOGLE_KEY = Pattern.compile("AIza[0-9A-Za-z_-]{35}");
  private static final Pattern SK_TOKEN = Pattern.compile("sk-[0-9A-Za-z_-]{8,}");
  /** Shorter registered secrets would mask ordinary words. */
  private static final int MIN_REGISTERED_LENGTH = 8;

  private final Set<String> registered = ConcurrentHashMap.newKeySet();

  public void register(String secret) {
    if (secret != null && secret.length() >= MIN_REGISTERED_LENGTH) {
      registered.add(secret);
    }
  }

  public void unregister(String secret) {
    registered.remove(secret);
  }

  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String result = text;
    for (String secret : registered) {
      result = result.replace(secret, mask(secret, ""));
    }
    result = maskMatches(GOOGLE_KEY, result, "AIza");
    return maskMatches(SK_TOKEN, result, "sk-");
  }

  private static String maskMatches(Pattern pattern, String text, String prefix) {
    Matcher matcher = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(mask(matcher.group(), prefix)));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String mask(String secret, String keptPrefix) {
    return keptPrefix + "..." + secret.substring(secret.length() - 4);
  }
}
