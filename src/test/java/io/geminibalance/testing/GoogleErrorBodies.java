package io.geminibalance.testing;

/**
 * Google's error bodies as the Gemini API sends them (seen in public bug reports; keys and
 * project numbers replaced by made-up ones).
 */
public final class GoogleErrorBodies {
  private GoogleErrorBodies() {}

  public static final String EXPIRED_KEY = """
      {"error": {"code": 400, "message": "API key expired. Please renew the API key.",
        "status": "INVALID_ARGUMENT", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
           "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
          {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
           "message": "API key expired. Please renew the API key."}]}}""";

  public static final String SERVICE_DISABLED = """
      {"error": {"code": 403, "message": "Generative Language API has not been used in project 123456789012 \
      before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/\
      generativelanguage.googleapis.com/overview?project=123456789012 then retry. If you enabled this API \
      recently, wait a few minutes for the action to propagate to our systems and retry.",
        "status": "PERMISSION_DENIED", "details": [
          {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description":
            "Google developers console API activation", "url":
            "https://console.developers.google.com/apis/api/generativelanguage.googleapis.com/overview?project=123456789012"}]},
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "SERVICE_DISABLED",
           "domain": "googleapis.com", "metadata": {"consumer": "projects/123456789012",
           "service": "generativelanguage.googleapis.com"}}]}}""";

  public static final String CONSUMER_SUSPENDED = """
      {"error": {"code": 403, "message": "Permission denied: Consumer 'api_key:AIzaSyFAKE-key-0000000000000000000000' has been suspended.",
        "status": "PERMISSION_DENIED", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CONSUMER_SUSPENDED",
           "domain": "googleapis.com", "metadata": {"consumer": "projects/123456789012",
           "service": "generativelanguage.googleapis.com",
           "containerInfo": "api_key:AIzaSyFAKE-key-0000000000000000000000"}},
          {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
           "message": "Permission denied: Consumer 'api_key:AIzaSyFAKE-key-0000000000000000000000' has been suspended."}]}}""";

  public static final String API_RESTRICTED = """
      {"error": {"code": 403, "message": "Requests to this API generativelanguage.googleapis.com method \
      google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent are blocked.",
        "status": "PERMISSION_DENIED", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_SERVICE_BLOCKED",
           "domain": "googleapis.com", "metadata": {"consumer": "projects/123456789012",
           "service": "generativelanguage.googleapis.com", "apiName": "generativelanguage.googleapis.com",
           "methodName": "google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent"}}]}}""";

  public static final String BILLING_DISABLED = """
      {"error": {"code": 403, "message": "This API method requires billing to be enabled. Please enable billing \
      on project #123456789012 by visiting https://console.developers.google.com/billing/enable?project=123456789012 \
      then retry.", "status": "PERMISSION_DENIED", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "BILLING_DISABLED",
           "domain": "googleapis.com", "metadata": {"consumer": "projects/123456789012",
           "service": "generativelanguage.googleapis.com"}}]}}""";

  /** A fileUri of another project or an expired upload: no ErrorInfo at all. */
  public static final String FOREIGN_FILE = """
      {"error": {"code": 403, "message": "You do not have permission to access the File abc123xyz or it may not exist.",
        "status": "PERMISSION_DENIED"}}""";

  /** An OAuth token the client sent along (Authorization header or access_token parameter). */
  public static final String STRAY_ACCESS_TOKEN = """
      {"error": {"code": 401, "message": "Request had invalid authentication credentials. Expected OAuth 2 access \
      token, login cookie or other valid authentication credential. See \
      https://developers.google.com/identity/sign-in/web/devconsole-project.",
        "status": "UNAUTHENTICATED", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED",
           "metadata": {"service": "generativelanguage.googleapis.com",
           "method": "google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent"}}]}}""";

  /** A method that takes no API key (tuned models, say). */
  public static final String NEEDS_OAUTH = """
      {"error": {"code": 401, "message": "API keys are not supported by this API. Expected OAuth2 access token or \
      other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication",
        "status": "UNAUTHENTICATED", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "CREDENTIALS_MISSING",
           "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}}]}}""";

  public static final String FILE_NOT_ACTIVE = """
      {"error": {"code": 400, "message": "The File 4d21d8wxg1pe is not in an ACTIVE state and usage is not allowed.",
        "status": "FAILED_PRECONDITION"}}""";

  public static final String LOCATION = """
      {"error": {"code": 400, "message": "User location is not supported for the API use.",
        "status": "FAILED_PRECONDITION"}}""";

  public static final String FREE_TIER_LOCATION = """
      {"error": {"code": 400, "message": "User location is not supported for the API use without a billing account linked.",
        "status": "FAILED_PRECONDITION"}}""";

  public static final String PROJECT_DENIED = """
      {"error": {"code": 403, "message": "Your project has been denied access. Please contact support.",
        "status": "PERMISSION_DENIED"}}""";

  /** A per-minute request quota of the free tier, with the quota's value. */
  public static final String QUOTA_PER_MINUTE = """
      {"error": {"code": 429, "message": "You exceeded your current quota, please check your plan and billing details.",
        "status": "RESOURCE_EXHAUSTED", "details": [
          {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
             "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
             "quotaDimensions": {"location": "global", "model": "gemini-2.5-pro"}, "quotaValue": "5"}]},
          {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "Learn more about Gemini API quotas",
            "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
          {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "22s"}]}}""";

  /** A per-minute token quota: its value counts input tokens, not requests. */
  public static final String QUOTA_TOKENS_PER_MINUTE = """
      {"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED", "details": [
          {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
             "quotaId": "GenerateContentInputTokensPerModelPerMinute-FreeTier",
             "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"}, "quotaValue": "250000"}]},
          {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "31s"}]}}""";

  /** A per-day request quota. */
  public static final String QUOTA_PER_DAY = """
      {"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED", "details": [
          {"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": [
            {"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
             "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
             "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"}, "quotaValue": "250"}]}]}}""";

  /** A per-minute quota whose ErrorInfo names the key's project (the consumer). */
  public static final String QUOTA_PER_MINUTE_WITH_PROJECT = """
      {"error": {"code": 429, "message": "Quota exceeded for quota metric 'Generate Content API requests per minute'.",
        "status": "RESOURCE_EXHAUSTED", "details": [
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
           "domain": "googleapis.com", "metadata": {"consumer": "projects/123456789012",
           "quota_metric": "generativelanguage.googleapis.com/generate_content_requests",
           "quota_limit": "GenerateContentRequestsPerMinutePerProjectPerRegion",
           "service": "generativelanguage.googleapis.com", "quota_limit_value": "15"}}]}}""";
}
