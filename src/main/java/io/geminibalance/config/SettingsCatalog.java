package io.geminibalance.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every setting the gateway reads, each declared once: its type, default (in the text encoding
 * the environment uses), range or allowed values, whether it is secret, whether the admin UI may
 * save it, whether a change needs a restart, the config page's tab it belongs to, and what it means
 * in English and Chinese. The code reads typed values through {@link ConfigValues}, which takes
 * defaults and ranges from here, so none is written twice; the admin API lists exactly these.
 *
 * <p>This package depends on no other package of the gateway: any module may read its settings
 * from here without making the package graph cyclic.
 */
public final class SettingsCatalog {

  /** How a setting's text is read; the config page picks an input by it. */
  public enum Type {
    STRING, INT, DECIMAL, BOOL,
    /** JSON list of strings or comma-separated values. */
    LIST,
    /** A list of credentials: each item masked on the way out. */
    SECRET_LIST,
    /** One secret string. */
    SECRET,
    /** A JSON object. */
    MAP,
    JSON_ARRAY,
    /** One of {@link Definition#allowed()}, compared without regard to case. */
    ENUM,
    URL,
    /** A time-zone id such as Asia/Shanghai. */
    ZONE;

    /** The name the admin API uses. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The tabs of the config page, in display order. */
  public enum Group {
    KEYS("Keys & access", "密钥与访问"),
    UPSTREAM("Upstream", "上游"),
    MODELS("Models", "模型"),
    QUOTAS("Quotas & scheduling", "配额与调度"),
    FEATURES("Translation & features", "翻译与功能"),
    IMAGES("Images", "图片"),
    LOGS("Logs & retention", "日志与保留"),
    SECURITY("Security & edge", "安全与边缘"),
    RESOURCES("Files & resources", "文件与资源"),
    SERVER("Server", "服务器"),
    STORAGE("Storage", "存储");

    private final String en;
    private final String zh;

    Group(String en, String zh) {
      this.en = en;
      this.zh = zh;
    }

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    public String en() {
      return en;
    }

    public String zh() {
      return zh;
    }
  }

  /**
   * One setting.
   *
   * @param defaultValue the default in the environment's text encoding; empty when unset means
   *     something computed ({@code defaultLabel} says what: CPU cores, the JVM's zone, generated)
   * @param editable the admin UI may save it; false for settings read from the environment only
   *     (where the database is, the port, the encryption key): a saved value is ignored
   * @param restart a change applies only after a restart (always so for the environment-only ones)
   * @param range the numbers an INT or DECIMAL setting accepts, both ends included; null otherwise
   * @param allowed the values of an ENUM setting (the first spelling of each); empty otherwise
   * @param defaultLabel how the README shows a computed default, or null when the default is shown
   */
  public record Definition(String name, Type type, Group group, String defaultValue, boolean secret,
      boolean editable, boolean restart, Range range, List<String> allowed, String description,
      String descriptionZh, String defaultLabel) {

    public Definition {
      allowed = List.copyOf(allowed);
      if ((type == Type.INT || type == Type.DECIMAL) != (range != null)) {
        throw new IllegalArgumentException(name + ": a range goes with INT and DECIMAL settings only");
      }
      if ((type == Type.ENUM) == allowed.isEmpty()) {
        throw new IllegalArgumentException(name + ": allowed values go with ENUM settings only");
      }
    }

    /** The default of a whole-number setting. */
    public int defaultInt() {
      return Integer.parseInt(defaultValue);
    }

    /** The environment alone sets it (the admin UI shows it, read-only). */
    public boolean envOnly() {
      return !editable;
    }
  }

  /** The numbers a setting accepts, both ends included. */
  public record Range(double min, double max) {
    public int intMin() {
      return (int) min;
    }

    public int intMax() {
      return (int) max;
    }
  }

  private static final String URL_CONTEXT_MODELS = "[\"gemini-2.5-pro\",\"gemini-2.5-flash\","
      + "\"gemini-2.5-flash-lite\",\"gemini-2.0-flash\",\"gemini-2.0-flash-live-001\"]";
  /** Claude Code's model families: Opus and Sonnet to Gemini's Pro, Haiku to Flash. */
  private static final String ANTHROPIC_MODEL_MAP = "{\"claude-*opus*\":\"gemini-2.5-pro\","
      + "\"claude-*sonnet*\":\"gemini-2.5-pro\",\"claude-*haiku*\":\"gemini-2.5-flash\"}";
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com/v1beta";
  /** Vertex AI in express mode: the global endpoint, no project or location in the path. */
  public static final String DEFAULT_VERTEX_EXPRESS_BASE_URL =
      "https://aiplatform.googleapis.com/v1beta1/publishers/google";
  public static final List<String> DEFAULT_FILTERED_MODELS = List.of(
      "gemini-1.0-pro-vision-latest", "gemini-pro-vision", "chat-bison-001", "text-bison-001",
      "embedding-gecko-001");

  private static final List<Definition> ALL = Stream.of(
      // Keys & access
      s("API_KEYS", Type.SECRET_LIST, Group.KEYS, "[]")
          .en("Gemini API keys of the pool").zh("密钥池中的 Gemini API 密钥"),
      s("ALLOWED_TOKENS", Type.SECRET_LIST, Group.KEYS, "[]")
          .en("Tokens clients may use").zh("客户端可使用的访问令牌"),
      s("AUTH_TOKEN", Type.SECRET, Group.KEYS, "").label("generated")
          .en("Admin token (unset: one is generated at the first start and kept hashed)")
          .zh("管理员令牌（未设置时首次启动自动生成，仅保存其哈希）"),
      s("ADMIN_AUTH_FAILURES_PER_MINUTE", Type.INT, Group.KEYS, "10").range(1, 1_000_000)
          .en("Failed admin authentications per client address and minute before 429")
          .zh("每个客户端地址每分钟允许的管理员认证失败次数，超过后返回 429"),
      s("ADMIN_SESSION_EXPIRE", Type.INT, Group.KEYS, "3600").range(300, 86_400)
          .en("Admin web UI session lifetime from login, seconds (absolute, not extended by use)")
          .zh("管理界面会话自登录起的有效期（秒，绝对期限，使用不会延长）"),
      s("VERTEX_API_KEYS", Type.SECRET_LIST, Group.KEYS, "[]")
          .en("Vertex AI Express API keys: the own pool of /vertex-express")
          .zh("Vertex AI Express API 密钥：/vertex-express 专用的密钥池"),
      s("MAX_FAILURES", Type.INT, Group.KEYS, "3").range(1, 1000)
          .en("Failures with an unknown key reason before a key is disabled")
          .zh("原因不明的密钥错误达到此次数后停用该密钥"),
      s("CHECK_INTERVAL_HOURS", Type.DECIMAL, Group.KEYS, "1").range(0, 24 * 365)
          .en("Re-check period for disabled keys, hours (0 = off)")
          .zh("重新检测已停用密钥的间隔（小时，0 = 关闭）"),
      s("TEST_MODEL", Type.STRING, Group.KEYS, "gemini-2.5-flash-lite")
          .en("Model used to re-check keys").zh("检测密钥时使用的模型"),
      s("KEY_VERIFY_CONCURRENCY", Type.INT, Group.KEYS, "5").range(1, 50)
          .en("Keys verified at once by a verification job from the keys page or the API")
          .zh("在密钥页面或通过 API 发起验证时同时验证的密钥数"),
      // Upstream
      s("BASE_URL", Type.URL, Group.UPSTREAM, DEFAULT_BASE_URL)
          .en("Upstream base URL").zh("上游 API 基础地址"),
      s("VERTEX_EXPRESS_BASE_URL", Type.URL, Group.UPSTREAM, DEFAULT_VERTEX_EXPRESS_BASE_URL)
          .en("Vertex AI Express upstream base URL").zh("Vertex AI Express 上游基础地址"),
      s("MAX_RETRIES", Type.INT, Group.UPSTREAM, "3").range(0, 100)
          .en("Retries on other keys after a failed attempt").zh("一次尝试失败后换用其他密钥重试的次数"),
      s("TIME_OUT", Type.INT, Group.UPSTREAM, "300").range(1, 86_400)
          .en("Upstream idle timeout, seconds").zh("上游空闲超时（秒）"),
      s("STREAM_KEEPALIVE_SECONDS", Type.INT, Group.UPSTREAM, "15").range(0, 3600)
          .en("Seconds of upstream silence before a streamed (SSE) answer gets a keepalive comment; 0: off")
          .zh("流式（SSE）响应在上游静默多少秒后向客户端发送保活注释；0 为关闭"),
      s("FAKE_STREAM_ENABLED", Type.BOOL, Group.UPSTREAM, "false")
          .en("Fake streaming: a streamed request is answered from one non-streamed upstream call, with"
              + " heartbeats while it runs (OpenAI chat and native streamGenerateContent)")
          .zh("假流式：流式请求改用一次非流式上游调用应答，调用期间发送心跳（OpenAI 聊天与原生 streamGenerateContent）"),
      s("FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS", Type.INT, Group.UPSTREAM, "5").range(1, 60)
          .en("Seconds between heartbeats of a fake stream").zh("假流式心跳间隔（秒）"),
      s("EMPTY_RESPONSE_RETRY", Type.BOOL, Group.UPSTREAM, "true")
          .en("Retry an empty non-streamed answer (no candidates or no parts, nothing blocked) once on another key")
          .zh("非流式空回答（无候选或无内容、未被拦截）换用其他密钥重试一次"),
      s("STREAM_OPTIMIZER_ENABLED", Type.BOOL, Group.UPSTREAM, "false")
          .en("Stream optimizer: re-slice streamed text into small paced pieces")
          .zh("流式输出优化：将流式文本切成小片并按节奏发送"),
      s("STREAM_MIN_DELAY", Type.DECIMAL, Group.UPSTREAM, "0.016").range(0, 1)
          .en("Optimizer: seconds between pieces of long texts").zh("输出优化：长文本分片间隔（秒）"),
      s("STREAM_MAX_DELAY", Type.DECIMAL, Group.UPSTREAM, "0.024").range(0, 1)
          .en("Optimizer: seconds between pieces of short texts").zh("输出优化：短文本分片间隔（秒）"),
      s("STREAM_SHORT_TEXT_THRESHOLD", Type.INT, Group.UPSTREAM, "10").range(1, 100_000)
          .en("Optimizer: a text up to this many characters is short").zh("输出优化：不超过此字符数的文本为短文本"),
      s("STREAM_LONG_TEXT_THRESHOLD", Type.INT, Group.UPSTREAM, "50").range(1, 100_000)
          .en("Optimizer: a text of at least this many characters is long (sent in STREAM_CHUNK_SIZE pieces)")
          .zh("输出优化：不少于此字符数的文本为长文本（按 STREAM_CHUNK_SIZE 分片）"),
      s("STREAM_CHUNK_SIZE", Type.INT, Group.UPSTREAM, "5").range(1, 100_000)
          .en("Optimizer: characters per piece of a long text").zh("输出优化：长文本每片字符数"),
      s("CUSTOM_HEADERS", Type.MAP, Group.UPSTREAM, "{}").secret()
          .en("Extra upstream headers (JSON object; values are secret)")
          .zh("附加到上游请求的请求头（JSON 对象，值视为机密）"),
      s("PROXIES", Type.SECRET_LIST, Group.UPSTREAM, "[]")
          .en("Proxies for every call to Google (http://, https:// or socks5://host:port, optionally"
              + " user:password@); empty: direct")
          .zh("所有发往 Google 的调用使用的代理（http://、https:// 或 socks5://主机:端口，可带 用户名:密码@）；为空则直连"),
      s("PROXIES_USE_CONSISTENCY_HASH_BY_API_KEY", Type.BOOL, Group.UPSTREAM, "true")
          .en("Each key always through the same proxy (consistent hashing); false: proxies in rotation")
          .zh("每个密钥固定使用同一代理（一致性哈希）；false 为轮流使用代理"),
      s("PROXY_RECHECK_SECONDS", Type.INT, Group.UPSTREAM, "60").range(1, 86_400)
          .en("Seconds between checks of the proxies that are down (a proxy is used again once a check passes)")
          .zh("检测已停用代理的间隔（秒；检测通过后代理恢复使用）"),
      s("UPSTREAM_MAX_CONNECTIONS", Type.INT, Group.UPSTREAM, "10000").range(1, 1_000_000).envOnly()
          .en("HTTP/1.1 connections to the upstream per event loop")
          .zh("每个事件循环到上游的 HTTP/1.1 连接数上限"),
      s("UPSTREAM_HTTP2_MAX_CONNECTIONS", Type.INT, Group.UPSTREAM, "128").range(1, 100_000).envOnly()
          .en("HTTP/2 connections to the upstream per event loop, each carrying many streams")
          .zh("每个事件循环到上游的 HTTP/2 连接数上限（每条连接承载多个流）"),
      s("UPSTREAM_H2C", Type.BOOL, Group.UPSTREAM, "false").envOnly()
          .en("Cleartext HTTP/2 with prior knowledge to an http:// BASE_URL")
          .zh("对 http:// 的 BASE_URL 使用明文 HTTP/2（prior knowledge）"),
      // Models
      s("FILTERED_MODELS", Type.LIST, Group.MODELS, String.join(",", DEFAULT_FILTERED_MODELS))
          .label("five legacy models")
          .en("Models hidden from model lists").zh("从模型列表中隐藏的模型"),
      s("SEARCH_MODELS", Type.LIST, Group.MODELS, "[\"gemini-2.5-flash\",\"gemini-2.5-pro\"]")
          .en("Models offered as <model>-search").zh("以 <模型>-search 形式提供的模型"),
      s("IMAGE_MODELS", Type.LIST, Group.MODELS, "[\"gemini-2.0-flash-exp\",\"gemini-2.5-flash-image-preview\"]")
          .en("Models offered as <model>-image").zh("以 <模型>-image 形式提供的模型"),
      s("THINKING_MODELS", Type.LIST, Group.MODELS, "[\"gemini-2.5-flash\",\"gemini-2.5-pro\"]")
          .en("Models offered as <model>-non-thinking").zh("以 <模型>-non-thinking 形式提供的模型"),
      s("THINKING_BUDGET_MAP", Type.MAP, Group.MODELS, "{}")
          .en("Thinking budget per model (JSON object of model to -1..32768)")
          .zh("每个模型的思考预算（JSON 对象：模型 -> -1..32768）"),
      s("ANTHROPIC_MODEL_MAP", Type.MAP, Group.MODELS, ANTHROPIC_MODEL_MAP).label("Claude families")
          .en("Gemini model for each model name an Anthropic client sends (JSON object of glob to model, first"
              + " match wins; unmatched names are Gemini names)")
          .zh("Anthropic 客户端发送的模型名对应的 Gemini 模型（JSON 对象：通配符 -> 模型，先匹配者优先；未匹配的名称按 Gemini 模型名处理）"),
      s("URL_CONTEXT_MODELS", Type.LIST, Group.MODELS, URL_CONTEXT_MODELS).label("2.x models")
          .en("Models that get the URL context tool").zh("启用 URL 上下文工具的模型"),
      s("MODEL_ALIASES", Type.MAP, Group.MODELS, "{}")
          .en("Model names clients may use for Gemini models, on every surface (JSON object of alias to model id)")
          .zh("客户端可在所有接口使用的模型别名（JSON 对象：别名 -> 模型 ID）"),
      s("MODEL_PRICES", Type.MAP, Group.MODELS, "{}")
          .en("Prices for the estimated cost in usage statistics: JSON object of model (or glob with *) to"
              + " {\"input\", \"output\", \"cached_input\"}, USD per million tokens")
          .zh("用量统计中估算费用所用的价格：JSON 对象，模型（或含 * 的通配）-> {\"input\", \"output\", \"cached_input\"}，"
              + "单位为每百万令牌美元"),
      s("TTS_MODEL", Type.STRING, Group.MODELS, "gemini-2.5-flash-preview-tts")
          .en("Model of /v1/audio/speech for OpenAI's tts-1, tts-1-hd and gpt-4o-mini-tts")
          .zh("/v1/audio/speech 中 OpenAI 的 tts-1、tts-1-hd、gpt-4o-mini-tts 对应的模型"),
      s("TTS_VOICE_NAME", Type.STRING, Group.MODELS, "Zephyr")
          .en("Gemini voice of a speech request without a voice (one of Gemini's 30 prebuilt voices)")
          .zh("未指定声音的语音请求所用的 Gemini 声音（Gemini 的 30 种预置声音之一）"),
      s("TTS_SPEED", Type.ENUM, Group.MODELS, "normal").allowed("slow", "normal", "fast")
          .en("Speaking pace of a speech request without a speed: slow, normal or fast")
          .zh("未指定语速的语音请求的语速：slow、normal 或 fast"),
      s("TRANSCRIPTION_MODEL", Type.STRING, Group.MODELS, "gemini-2.5-flash")
          .en("Model of /v1/audio/transcriptions for OpenAI's whisper-1 and gpt-4o(-mini)-transcribe")
          .zh("/v1/audio/transcriptions 中 OpenAI 的 whisper-1、gpt-4o(-mini)-transcribe 对应的模型"),
      // Quotas & scheduling
      s("DEFAULT_RPM", Type.STRING, Group.QUOTAS, "auto")
          .en("Requests per minute per key and model: auto (Google's free-tier figure per model, raised"
              + " when a key proves more) or a number (0 = unlimited)")
          .zh("每个密钥每个模型每分钟的请求数：auto（按模型取 Google 免费层的数值，密钥证明可承受更多时自动提高）"
              + "或一个数字（0 = 不限）"),
      s("DEFAULT_RPD", Type.STRING, Group.QUOTAS, "auto")
          .en("Requests per day per key and model: auto (Google's free-tier figure, shown; a key stops"
              + " for the day when Google says so) or a number (0 = unlimited)")
          .zh("每个密钥每个模型每天的请求数：auto（显示 Google 免费层的数值；Google 拒绝时该密钥停用到当天结束）"
              + "或一个数字（0 = 不限）"),
      s("MODEL_RATE_LIMITS", Type.MAP, Group.QUOTAS, "{}")
          .en("[rpm, rpd] per model, e.g. {\"gemini-2.5-pro\": [2, 50]}")
          .zh("按模型设置 [每分钟, 每天] 请求数，如 {\"gemini-2.5-pro\": [2, 50]}"),
      s("KEY_RATE_LIMITS", Type.MAP, Group.QUOTAS, "{}")
          .en("[rpm, rpd] per key, by the key's last 8 characters")
          .zh("按密钥（末 8 位）设置 [每分钟, 每天] 请求数"),
      s("KEY_PROJECTS", Type.MAP, Group.QUOTAS, "{}").secret()
          .en("Keys of one Google Cloud project, which share its quota per model: {\"project\": [key or its"
              + " last 8 characters, ...]}; projects Google names in its errors are learned too")
          .zh("同一 Google Cloud 项目的密钥（按模型共享该项目的配额）：{\"项目\": [密钥或其末 8 位, ...]}；"
              + "Google 错误中指明的项目也会被自动识别"),
      s("FILES_USER_ISOLATION_ENABLED", Type.BOOL, Group.RESOURCES, "true")
          .en("Each client sees and uses only the files, caches, batches and other resources it created"
              + " (another client's are 404)")
          .zh("每个客户端只能看到和使用自己创建的文件、缓存、批处理等资源（他人的资源返回 404）"),
      s("RESPONSES_STORE_HOURS", Type.INT, Group.RESOURCES, "720").range(1, 24 * 3650)
          .en("Hours a stored Responses API response (store: true) stays readable and continuable")
          .zh("Responses API 存储的响应（store: true）可读取和续接的小时数"),
      s("RESPONSES_STORE_MAX_PER_CLIENT", Type.INT, Group.RESOURCES, "1000").range(1, 100_000)
          .en("Most stored Responses API responses kept per client; a save beyond it forgets the client's oldest")
          .zh("每个客户端最多保存的 Responses API 响应数；超出时忘记该客户端最早的响应"),
      s("FILES_CLEANUP_ENABLED", Type.BOOL, Group.RESOURCES, "true")
          .en("Delete expired resource records, and the resources at Google")
          .zh("删除已过期的资源记录，并在 Google 端删除对应资源"),
      s("FILES_CLEANUP_INTERVAL_HOURS", Type.INT, Group.RESOURCES, "1").range(1, 24 * 7).restart()
          .en("How often expired resources are cleaned, hours").zh("清理过期资源的间隔（小时）"),
      s("MAX_UPLOAD_MB", Type.INT, Group.RESOURCES, "2048").range(1, 1_048_576)
          .en("Largest file accepted by an upload (declared size and bytes received), MiB")
          .zh("上传文件的最大大小（声明大小与实际接收字节），MiB"),
      s("QUEUE_TIMEOUT_SECONDS", Type.INT, Group.QUOTAS, "10").range(0, 86_400)
          .en("Longest wait for a free key, seconds (0 = answer 429 at once)")
          .zh("等待空闲密钥的最长时间（秒，0 = 立即返回 429）"),
      s("MAX_MODELS", Type.INT, Group.QUOTAS, "256").range(1, 100_000)
          .en("Models with quota state of their own (others: round robin)")
          .zh("单独记录配额状态的模型数上限（其余轮询）"),
      // Translation & features
      s("SHOW_THINKING_PROCESS", Type.BOOL, Group.FEATURES, "true")
          .en("Return thoughts as reasoning_content").zh("以 reasoning_content 返回思考过程"),
      s("SAFETY_SETTINGS", Type.JSON_ARRAY, Group.FEATURES, "").label("all categories off")
          .en("Safety settings for OpenAI requests (JSON list; [] = none; unset = all categories off)")
          .zh("OpenAI 请求的安全设置（JSON 列表；[] = 不设置；未设置 = 全部类别关闭）"),
      s("TOOLS_CODE_EXECUTION_ENABLED", Type.BOOL, Group.FEATURES, "false")
          .en("Add the code execution tool").zh("添加代码执行工具"),
      s("URL_CONTEXT_ENABLED", Type.BOOL, Group.FEATURES, "false")
          .en("Add the URL context tool").zh("添加 URL 上下文工具"),
      s("SHOW_SEARCH_LINK", Type.BOOL, Group.FEATURES, "true")
          .en("Append search sources to -search answers").zh("在 -search 回答末尾附上搜索来源"),
      // Images
      s("PAID_KEY", Type.SECRET, Group.IMAGES, "").label("unset")
          .en("A key for Imagen (predict) and Veo (predictLongRunning): when set, those requests and their"
              + " operations use it instead of the pool")
          .zh("用于 Imagen（predict）和 Veo（predictLongRunning）的密钥：设置后这些请求及其操作使用它而非密钥池"),
      s("IMAGE_FETCH_ALLOW_PRIVATE", Type.BOOL, Group.IMAGES, "false").restart()
          .en("Let image URLs point at private addresses").zh("允许图片 URL 指向内网地址"),
      s("MAX_IMAGE_DOWNLOADS", Type.INT, Group.IMAGES, "10").range(0, 1000)
          .en("Image URLs the gateway downloads for one OpenAI request (0 = none)")
          .zh("单个 OpenAI 请求最多下载的图片 URL 数（0 = 不下载）"),
      s("MAX_IMAGE_DOWNLOAD_MB", Type.INT, Group.IMAGES, "20").range(1, 1024)
          .en("MiB of images downloaded for one OpenAI request in all")
          .zh("单个 OpenAI 请求下载图片的总大小上限（MiB）"),
      s("GATEWAY_IMAGE_DOWNLOADS", Type.INT, Group.IMAGES, "16").range(1, 100_000)
          .en("Image downloads in progress at once, all requests together")
          .zh("全部请求合计同时进行的图片下载数"),
      s("GATEWAY_IMAGE_DOWNLOAD_MB", Type.INT, Group.IMAGES, "64").range(1, 1024 * 1024)
          .en("MiB of downloaded images held at once, all requests together (>= MAX_IMAGE_DOWNLOAD_MB)")
          .zh("全部请求合计同时持有的已下载图片大小（MiB，不小于 MAX_IMAGE_DOWNLOAD_MB）"),
      s("CREATE_IMAGE_MODEL", Type.STRING, Group.IMAGES, "imagen-4.0-generate-001")
          .en("Imagen model of /v1/images/generations and of the <model>-chat chat model")
          .zh("/v1/images/generations 与 <模型>-chat 对话模型使用的 Imagen 模型"),
      s("UPLOAD_PROVIDER", Type.ENUM, Group.IMAGES, "")
          .allowed("", "smms", "picgo", "cloudflare_imgbed", "aliyun_oss").label("none (data URLs)")
          .en("Image host for url answers and -image chat images (empty = none: data URLs)")
          .zh("url 形式回答与 -image 对话图片使用的图床（空 = 不使用：data URL）"),
      s("SMMS_SECRET_TOKEN", Type.SECRET, Group.IMAGES, "").label("unset")
          .en("SM.MS API token").zh("SM.MS API 令牌"),
      s("PICGO_API_KEY", Type.SECRET, Group.IMAGES, "").label("unset")
          .en("PicGo (Chevereto) API key").zh("PicGo（Chevereto）API 密钥"),
      s("PICGO_API_URL", Type.URL, Group.IMAGES, "https://www.picgo.net/api/1/upload")
          .en("PicGo upload URL (another URL gets the key as ?key=)")
          .zh("PicGo 上传地址（其他地址以 ?key= 传递密钥）"),
      s("CLOUDFLARE_IMGBED_URL", Type.URL, Group.IMAGES, "").label("unset")
          .en("CloudFlare ImgBed upload URL").zh("CloudFlare ImgBed 上传地址"),
      s("CLOUDFLARE_IMGBED_AUTH_CODE", Type.SECRET, Group.IMAGES, "").label("unset")
          .en("CloudFlare ImgBed auth code").zh("CloudFlare ImgBed 认证码"),
      s("CLOUDFLARE_IMGBED_UPLOAD_FOLDER", Type.STRING, Group.IMAGES, "").label("none")
          .en("CloudFlare ImgBed upload folder").zh("CloudFlare ImgBed 上传目录"),
      s("OSS_ENDPOINT", Type.STRING, Group.IMAGES, "").label("unset")
          .en("Aliyun OSS endpoint (oss-cn-hangzhou.aliyuncs.com)").zh("阿里云 OSS 端点（oss-cn-hangzhou.aliyuncs.com）"),
      s("OSS_ENDPOINT_INNER", Type.STRING, Group.IMAGES, "").label("unset")
          .en("Aliyun OSS internal (VPC) endpoint: uploads go there when set; links use OSS_ENDPOINT")
          .zh("阿里云 OSS 内网（VPC）端点：设置后上传走内网，链接仍用 OSS_ENDPOINT"),
      s("OSS_ACCESS_KEY", Type.SECRET, Group.IMAGES, "").label("unset")
          .en("Aliyun OSS AccessKey ID").zh("阿里云 OSS AccessKey ID"),
      s("OSS_ACCESS_KEY_SECRET", Type.SECRET, Group.IMAGES, "").label("unset")
          .en("Aliyun OSS AccessKey secret").zh("阿里云 OSS AccessKey Secret"),
      s("OSS_BUCKET_NAME", Type.STRING, Group.IMAGES, "").label("unset")
          .en("Aliyun OSS bucket (public-read objects)").zh("阿里云 OSS 存储桶（对象公共读）"),
      s("OSS_REGION", Type.STRING, Group.IMAGES, "").label("unset")
          .en("Aliyun OSS region (cn-hangzhou)").zh("阿里云 OSS 地域（cn-hangzhou）"),
      // Logs & retention
      s("LOG_LEVEL", Type.ENUM, Group.LOGS, "INFO").allowed("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
          .en("Process log level").zh("进程日志级别"),
      s("ERROR_LOG_RECORD_REQUEST_BODY", Type.BOOL, Group.LOGS, "false")
          .en("Store request bodies in error logs").zh("在错误日志中保存请求体"),
      s("ERROR_LOG_REQUEST_BODY_MAX_KB", Type.INT, Group.LOGS, "16").range(1, 65_536)
          .en("Request body kept per error log row, KiB (the rest is cut)")
          .zh("每条错误日志保存的请求体大小（KiB，超出部分截断）"),
      s("ERROR_LOG_QUEUE_MB", Type.INT, Group.LOGS, "16").range(1, 4096).restart()
          .en("MiB of bodies and messages error log rows waiting for the database may hold (beyond: rows without body)")
          .zh("等待写入数据库的错误日志可占用的请求体与消息内存（MiB，超出后不含请求体）"),
      s("LOG_FORMAT", Type.ENUM, Group.LOGS, "text").allowed("text", "json").envOnly()
          .en("Process log format: text lines, or one JSON object per line")
          .zh("进程日志格式：文本行，或每行一个 JSON 对象"),
      s("LOG_QUEUE_SIZE", Type.INT, Group.LOGS, "10000").range(1, 10_000_000).envOnly()
          .en("Log rows that may wait for the database (beyond: counted as dropped)")
          .zh("可等待写入数据库的日志行数（超出部分计为丢弃）"),
      s("AUTO_DELETE_ERROR_LOGS_ENABLED", Type.BOOL, Group.LOGS, "true")
          .en("Delete old error logs daily").zh("每天删除过期的错误日志"),
      s("AUTO_DELETE_ERROR_LOGS_DAYS", Type.INT, Group.LOGS, "7").range(1, 36_500)
          .en("Error log retention, days").zh("错误日志保留天数"),
      s("AUTO_DELETE_REQUEST_LOGS_ENABLED", Type.BOOL, Group.LOGS, "false")
          .en("Delete old request logs daily").zh("每天删除过期的请求日志"),
      s("AUTO_DELETE_REQUEST_LOGS_DAYS", Type.INT, Group.LOGS, "30").range(1, 36_500)
          .en("Request log retention, days").zh("请求日志保留天数"),
      s("USAGE_RETENTION_DAYS", Type.INT, Group.LOGS, "90").range(1, 36_500)
          .en("Daily usage roll-ups (tokens and cost per day, client token, model and key) retention, days")
          .zh("每日用量汇总（按天、客户端令牌、模型和密钥统计的令牌与费用）保留天数"),
      s("TIMEZONE", Type.ZONE, Group.LOGS, "Asia/Shanghai").restart()
          .en("Time zone of the daily clean-up").zh("每日清理任务使用的时区"),
      // Alerts: the URL of an incoming webhook often is its credential (Slack, Discord), so secret.
      s("ALERT_WEBHOOK_URL", Type.URL, Group.LOGS, "").secret().label("unset")
          .en("Webhook that receives a JSON POST when keys are disabled, a model's capacity runs low or log rows are dropped")
          .zh("在密钥被停用、模型剩余额度不足或日志行被丢弃时接收 JSON POST 的 Webhook 地址"),
      s("ALERT_CAPACITY_PERCENT", Type.INT, Group.LOGS, "10").range(0, 100)
          .en("Alert once a day when a model's requests left today fall below this share of the day's total, % (0 = off)")
          .zh("模型今日剩余请求数低于当日总额的此百分比时告警，每天一次（%，0 = 关闭）"),
      s("ALERT_INTERVAL_SECONDS", Type.INT, Group.LOGS, "60").range(1, 86_400)
          .en("Least time between two alert POSTs, seconds; alerts in between are sent together")
          .zh("两次告警 POST 之间的最短间隔（秒）；期间的告警合并发送"),
      s("ALERT_TIMEOUT_SECONDS", Type.INT, Group.LOGS, "10").range(1, 300)
          .en("Timeout of one alert POST, seconds (each is tried up to 3 times)")
          .zh("单次告警 POST 的超时（秒，每次最多尝试 3 次）"),
      // Security & edge
      s("MAX_REQUEST_BODY_MB", Type.INT, Group.SECURITY, "64").range(1, 2047)
          .en("Largest request body read whole, MiB (413 beyond)")
          .zh("完整读取的请求体大小上限（MiB，超出返回 413）"),
      // Google's Live API takes audio in small chunks, but a video frame or an image sent inline is
      // one message of up to a few MiB.
      s("LIVE_MAX_MESSAGE_MB", Type.INT, Group.SECURITY, "16").range(1, 1024).restart()
          .en("Largest Live API WebSocket message (and frame), MiB; the session is closed with 1009 beyond")
          .zh("Live API WebSocket 单条消息（及帧）大小上限（MiB，超出以 1009 关闭会话）"),
      s("TRUSTED_PROXIES", Type.LIST, Group.SECURITY, "[]")
          .en("Reverse proxies (IPs/CIDRs) whose X-Forwarded-For/-Proto/-Host are believed")
          .zh("可信反向代理（IP/CIDR），仅信任它们的 X-Forwarded-For/-Proto/-Host"),
      s("CORS_ALLOWED_ORIGINS", Type.LIST, Group.SECURITY, "*")
          .en("Origins browsers may call the data plane from (* = any, [] = none; never with credentials)")
          .zh("允许浏览器跨域调用数据面的来源（* = 任意，[] = 不允许；从不携带凭据）"),
      s("URL_NORMALIZATION_ENABLED", Type.BOOL, Group.SECURITY, "false")
          .en("Send a request on a path the gateway does not serve to the endpoint it evidently meant (URL repair)")
          .zh("将网关不提供的路径上的请求改发到其显然想调用的端点（URL 修复）"),
      s("CLIENT_HEADER_TIMEOUT_SECONDS", Type.INT, Group.SECURITY, "20").range(0, 86_400).envOnly()
          .en("Longest time for a client to send a request head, seconds (0 = off)")
          .zh("客户端发送请求头的最长时间（秒，0 = 关闭）"),
      s("CLIENT_IDLE_TIMEOUT_SECONDS", Type.INT, Group.SECURITY, "75").range(0, 86_400).envOnly()
          .en("Idle keep-alive client connections close after this, seconds (0 = off)")
          .zh("空闲的客户端长连接在此时间后关闭（秒，0 = 关闭）"),
      s("CLIENT_BODY_TIMEOUT_SECONDS", Type.INT, Group.SECURITY, "30").range(0, 86_400).envOnly()
          .en("Longest pause between request body bytes, seconds; 408 beyond (0 = off)")
          .zh("请求体字节之间的最长停顿（秒，超出返回 408，0 = 关闭）"),
      // Five minutes: a body of the 20 MB Google takes inline arrives in that time at about 70 KB/s,
      // one at the default 64 MiB cap at about 220 KB/s.
      s("CLIENT_BODY_DEADLINE_SECONDS", Type.INT, Group.SECURITY, "300").range(0, 86_400).envOnly()
          .en("Longest time to send a request body whole, seconds; 408 beyond (0 = off)")
          .zh("发送完整请求体的最长时间（秒，超出返回 408，0 = 关闭）"),
      // Twice the 10,000 held streams the gateway is sized for (each stream is one client
      // connection on HTTP/1.1).
      s("MAX_CLIENT_CONNECTIONS", Type.INT, Group.SECURITY, "20000").range(1, 10_000_000).envOnly()
          .en("Open client connections at most; beyond it 503 and close")
          .zh("客户端连接数上限；超出时返回 503 并关闭"),
      // As Vert.x's and Google's own servers advertise.
      s("MAX_H2_STREAMS", Type.INT, Group.SECURITY, "100").range(1, 1_000_000).envOnly()
          .en("Concurrent HTTP/2 streams per client connection").zh("每个客户端 HTTP/2 连接的并发流数"),
      // Server
      s("HOST", Type.STRING, Group.SERVER, "0.0.0.0").envOnly()
          .en("Listen address").zh("监听地址"),
      s("PORT", Type.INT, Group.SERVER, "8000").range(0, 65_535).envOnly()
          .en("Listen port").zh("监听端口"),
      s("EVENT_LOOPS", Type.INT, Group.SERVER, "").range(1, 256).envOnly().label("CPU cores")
          .en("HTTP server instances, one per event loop (unset: one per CPU core)")
          .zh("HTTP 服务实例数，每个事件循环一个（未设置时等于 CPU 核数）"),
      s("SHUTDOWN_GRACE_SECONDS", Type.INT, Group.SERVER, "30").range(0, 3_600).envOnly()
          .en("On SIGTERM, seconds in-flight requests and streams get to finish before they are cut")
          .zh("收到 SIGTERM 后，进行中的请求和流可继续完成的秒数，超时则中断"),
      s("IO_TRANSPORT", Type.ENUM, Group.SERVER, "auto").allowed("auto", "epoll", "nio").envOnly()
          .en("Socket I/O: auto (epoll, else NIO), epoll or nio").zh("网络 I/O：auto（优先 epoll，否则 NIO）、epoll 或 nio"),
      s("REDIS_URL", Type.SECRET, Group.SERVER, "").envOnly().label("unset")
          .en("Redis (redis://[user:password@]host:port[/db]): several instances share one pool's quota state")
          .zh("Redis 地址（redis://[用户:密码@]主机:端口[/库]）：多个实例共享同一密钥池的配额状态"),
      s("REDIS_KEY_PREFIX", Type.STRING, Group.SERVER, "gb:").envOnly()
          .en("Prefix of every Redis key and channel the gateway uses (one pool per prefix)")
          .zh("网关使用的所有 Redis 键和频道的前缀（每个前缀一个密钥池）"),
      s("REDIS_TIMEOUT_MS", Type.INT, Group.SERVER, "250").range(10, 10_000).envOnly()
          .en("A Redis command slower than this counts as Redis being away: local scheduling with 1/N limits")
          .zh("Redis 命令超过此时长（毫秒）即视为 Redis 不可用：改用本地调度，限额按 1/N"),
      // Read at start: Vert.x's HTTP server and client metrics are bound when Vert.x starts, before
      // the database (and its saved settings) is open.
      s("METRICS_ENABLED", Type.BOOL, Group.SERVER, "true").envOnly()
          .en("Prometheus metrics at GET /metrics (requests, upstream attempts, keys, queues, logs, JVM, HTTP)")
          .zh("在 GET /metrics 提供 Prometheus 指标（请求、上游尝试、密钥、队列、日志、JVM、HTTP）"),
      s("METRICS_TOKEN", Type.SECRET, Group.SERVER, "").label("unset")
          .en("Bearer token that may read /metrics besides the admin token (for a Prometheus scraper)")
          .zh("除管理员令牌外可读取 /metrics 的 Bearer 令牌（供 Prometheus 抓取使用）"),
      s("METRICS_PUBLIC", Type.BOOL, Group.SERVER, "false")
          .en("Serve /metrics without a token (only where the port is reachable by trusted hosts alone)")
          .zh("无需令牌即可读取 /metrics（仅在端口只对可信主机开放时使用）"),
      // Storage
      s("DATABASE_TYPE", Type.ENUM, Group.STORAGE, "sqlite").allowed("sqlite", "mysql", "postgres").envOnly()
          .en("Database: sqlite, mysql or postgres").zh("数据库类型：sqlite、mysql 或 postgres"),
      s("DATABASE_URL", Type.SECRET, Group.STORAGE, "").envOnly().label("unset")
          .en("A JDBC URL; overrides every other database setting")
          .zh("JDBC 连接地址；设置后覆盖其他所有数据库设置"),
      s("SQLITE_DATABASE", Type.STRING, Group.STORAGE, "default_db").envOnly()
          .en("SQLite file (a bare name lives under data/)").zh("SQLite 数据库文件（仅文件名时位于 data/ 下）"),
      s("MYSQL_HOST", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("MySQL/MariaDB host").zh("MySQL/MariaDB 主机"),
      s("MYSQL_PORT", Type.INT, Group.STORAGE, "3306").range(1, 65_535).envOnly()
          .en("MySQL/MariaDB port").zh("MySQL/MariaDB 端口"),
      s("MYSQL_USER", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("MySQL/MariaDB user").zh("MySQL/MariaDB 用户名"),
      s("MYSQL_PASSWORD", Type.SECRET, Group.STORAGE, "").envOnly().label("empty")
          .en("MySQL/MariaDB password").zh("MySQL/MariaDB 密码"),
      s("MYSQL_DATABASE", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("MySQL/MariaDB database").zh("MySQL/MariaDB 数据库名"),
      s("MYSQL_SOCKET", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("MySQL/MariaDB Unix socket (instead of host and port)")
          .zh("MySQL/MariaDB Unix 套接字（代替主机和端口）"),
      s("POSTGRES_HOST", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("PostgreSQL host").zh("PostgreSQL 主机"),
      s("POSTGRES_PORT", Type.INT, Group.STORAGE, "5432").range(1, 65_535).envOnly()
          .en("PostgreSQL port").zh("PostgreSQL 端口"),
      s("POSTGRES_USER", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("PostgreSQL user").zh("PostgreSQL 用户名"),
      s("POSTGRES_PASSWORD", Type.SECRET, Group.STORAGE, "").envOnly().label("empty")
          .en("PostgreSQL password").zh("PostgreSQL 密码"),
      s("POSTGRES_DATABASE", Type.STRING, Group.STORAGE, "").envOnly().label("unset")
          .en("PostgreSQL database").zh("PostgreSQL 数据库名"),
      s("TZ", Type.ZONE, Group.STORAGE, "").envOnly().label("the JVM's zone")
          .en("Zone of the database's date-time columns (as gemini-balance's container wrote them)")
          .zh("数据库日期时间列所用时区（与 gemini-balance 容器写入时一致）"),
      s("ENCRYPTION_KEY", Type.SECRET, Group.STORAGE, "").envOnly().label("unset")
          .en("Base64 of 32 random bytes: store API keys and secret settings encrypted")
          .zh("32 个随机字节的 Base64：加密存储 API 密钥和机密设置"),
      s("ENCRYPTION_KEY_PREVIOUS", Type.SECRET, Group.STORAGE, "").envOnly().label("unset")
          .en("The key the database is encrypted with, while changing or removing ENCRYPTION_KEY (one start)")
          .zh("更换或移除 ENCRYPTION_KEY 时数据库当前使用的密钥（仅用于一次启动）"))
      .map(Builder::build).toList();

  private static final Map<String, Definition> BY_NAME = index();

  private SettingsCatalog() {}

  private static Builder s(String name, Type type, Group group, String defaultValue) {
    return new Builder(name, type, group, defaultValue);
  }

  /** Declarations read as sentences; every setting is editable and live unless it says otherwise. */
  private static final class Builder {
    private final String name;
    private final Type type;
    private final Group group;
    private final String defaultValue;
    private boolean secret;
    private boolean editable = true;
    private boolean restart;
    private Range range;
    private List<String> allowed = List.of();
    private String en;
    private String zh;
    private String label;

    Builder(String name, Type type, Group group, String defaultValue) {
      this.name = name;
      this.type = type;
      this.group = group;
      this.defaultValue = defaultValue;
      this.secret = type == Type.SECRET || type == Type.SECRET_LIST;
    }

    Builder secret() {
      secret = true;
      return this;
    }

    /** Read from the environment only; a change needs a restart. */
    Builder envOnly() {
      editable = false;
      restart = true;
      return this;
    }

    /** Editable, but read once at start. */
    Builder restart() {
      restart = true;
      return this;
    }

    Builder range(double min, double max) {
      range = new Range(min, max);
      return this;
    }

    Builder allowed(String... values) {
      allowed = List.of(values);
      return this;
    }

    Builder label(String text) {
      label = text;
      return this;
    }

    Builder en(String text) {
      en = text;
      return this;
    }

    Builder zh(String text) {
      zh = text;
      return this;
    }

    Definition build() {
      if (en == null || zh == null) {
        throw new IllegalStateException(name + ": a description in English and Chinese is required");
      }
      return new Definition(name, type, group, defaultValue, secret, editable, restart, range, allowed, en, zh, label);
    }
  }

  private static Map<String, Definition> index() {
    Map<String, Definition> map = new LinkedHashMap<>();
    for (Definition def : ALL) {
      if (map.put(def.name(), def) != null) {
        throw new IllegalStateException(def.name() + " is declared twice in the settings catalogue");
      }
    }
    return map;
  }

  public static List<Definition> all() {
    return ALL;
  }

  public static Optional<Definition> find(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** For code that parses a setting by name: a name the catalogue does not declare is a bug. */
  public static Definition definition(String name) {
    Definition definition = BY_NAME.get(name);
    if (definition == null) {
      throw new IllegalArgumentException(name + " is not in the settings catalogue");
    }
    return definition;
  }

  /** Name -> default value, in catalogue order. */
  public static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    ALL.forEach(def -> defaults.put(def.name(), def.defaultValue()));
    return defaults;
  }
}
