"""The provider catalogue: which modules, client classes and endpoint paths the scanner knows.

Everything is keyed by *resolved* dotted names (what an expression means after following
imports and aliases), never by the text a user wrote. A name not in these tables — groq,
together, cohere, twilio, a user's own class with ``.chat.completions.create`` — is simply
not a provider, so look-alikes cannot match.
"""

from __future__ import annotations

# top-level import → provider (None: not a provider but relevant, e.g. amplitude_ai)
PROVIDER_MODULES: dict[str, str] = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google.genai": "gemini",
    "google.generativeai": "gemini",
    "boto3": "bedrock",
    "aioboto3": "bedrock",
    "mistralai": "mistral",
}

RUNTIME_MODULE = "amplitude_ai"

# client "kinds" (which endpoint table applies)
OPENAI, ANTHROPIC, GENAI, GENERATIVEAI, BEDROCK, MISTRAL, MISTRAL_LEGACY = (
    "openai",
    "anthropic",
    "genai",
    "generativeai",
    "bedrock",
    "mistral",
    "mistral_legacy",
)

# resolved class → (provider, kind, is_async, subclassable by the runtime)
CLIENT_CLASSES: dict[str, tuple[str, str, bool, bool]] = {}


def _add(names: list[str], provider: str, kind: str, is_async: bool, subclassable: bool) -> None:
    for name in names:
        CLIENT_CLASSES[name] = (provider, kind, is_async, subclassable)


_add(["openai.OpenAI", "openai.Client", "openai.AzureOpenAI", "openai.lib.azure.AzureOpenAI"], "openai", OPENAI, False, True)
_add(
    ["openai.AsyncOpenAI", "openai.AsyncClient", "openai.AsyncAzureOpenAI", "openai.lib.azure.AsyncAzureOpenAI"],
    "openai",
    OPENAI,
    True,
    True,
)
_add(["anthropic.Anthropic", "anthropic.Client"], "anthropic", ANTHROPIC, False, True)
_add(["anthropic.AsyncAnthropic", "anthropic.AsyncClient"], "anthropic", ANTHROPIC, True, True)
_add(["anthropic.AnthropicBedrock", "anthropic.AnthropicVertex"], "anthropic", ANTHROPIC, False, False)
_add(["anthropic.AsyncAnthropicBedrock", "anthropic.AsyncAnthropicVertex"], "anthropic", ANTHROPIC, True, False)
_add(["google.genai.Client", "google.genai.client.Client"], "gemini", GENAI, False, True)
_add(["google.generativeai.GenerativeModel", "google.generativeai.generative_models.GenerativeModel"], "gemini", GENERATIVEAI, False, False)
_add(["mistralai.Mistral", "mistralai.client.Mistral", "mistralai.sdk.Mistral"], "mistral", MISTRAL, False, True)
_add(["mistralai.client.MistralClient"], "mistral", MISTRAL_LEGACY, False, False)
_add(["mistralai.async_client.MistralAsyncClient"], "mistral", MISTRAL_LEGACY, True, False)

# boto3 type stubs name the bedrock-runtime client's type (annotations only)
_add(
    ["mypy_boto3_bedrock_runtime.BedrockRuntimeClient", "mypy_boto3_bedrock_runtime.client.BedrockRuntimeClient"],
    "bedrock", BEDROCK, False, False,
)
_add(
    ["types_aiobotocore_bedrock_runtime.BedrockRuntimeClient", "types_aiobotocore_bedrock_runtime.client.BedrockRuntimeClient"],
    "bedrock", BEDROCK, True, False,
)
PROVIDER_MODULES["mypy_boto3_bedrock_runtime"] = "bedrock"
PROVIDER_MODULES["types_aiobotocore_bedrock_runtime"] = "bedrock"

# the runtime's drop-in classes: resolved name → the provider class it stands for
WRAPPER_CLASSES: dict[str, str] = {}
for _name, _real in {
    "OpenAI": "openai.OpenAI",
    "AsyncOpenAI": "openai.AsyncOpenAI",
    "AzureOpenAI": "openai.AzureOpenAI",
    "AsyncAzureOpenAI": "openai.AsyncAzureOpenAI",
    "Anthropic": "anthropic.Anthropic",
    "AsyncAnthropic": "anthropic.AsyncAnthropic",
    "Gemini": "google.genai.Client",
    "Mistral": "mistralai.Mistral",
}.items():
    WRAPPER_CLASSES[f"amplitude_ai.{_name}"] = _real
    _module = {"Gemini": "gemini", "Mistral": "mistral"}.get(_name) or ("anthropic" if "Anthropic" in _name else "openai")
    WRAPPER_CLASSES[f"amplitude_ai.providers.{_module}.{_name}"] = _real

# amplitude_ai.Bedrock(...) wraps a boto3 client: treat as an instrumented bedrock client
WRAPPER_CLASSES["amplitude_ai.Bedrock"] = "boto3.client"
WRAPPER_CLASSES["amplitude_ai.providers.bedrock.Bedrock"] = "boto3.client"
CLIENT_CLASSES["boto3.client"] = ("bedrock", BEDROCK, False, False)

# callables that build a bedrock client when the service is "bedrock-runtime"
BEDROCK_FACTORIES: dict[str, bool] = {  # → is_async
    "boto3.client": False,
    "boto3.Session().client": False,
    "boto3.session.Session().client": False,
    "aioboto3.Session().client": True,
    "aioboto3.session.Session().client": True,
}
BEDROCK_SERVICE = "bedrock-runtime"

WRAP_FUNCTIONS = {"amplitude_ai.wrap", "amplitude_ai.wrappers.wrap"}

# patch functions → providers they cover (patch() covers everything except bedrock)
_ALL_PATCHED = ["openai", "anthropic", "gemini", "mistral"]
PATCH_FUNCTIONS: dict[str, list[str]] = {
    "amplitude_ai.patch": _ALL_PATCHED,
    "amplitude_ai.patching.patch": _ALL_PATCHED,
    "amplitude_ai.patch_openai": ["openai"],
    "amplitude_ai.patch_azure_openai": ["openai"],
    "amplitude_ai.patch_anthropic": ["anthropic"],
    "amplitude_ai.patch_async_anthropic": ["anthropic"],
    "amplitude_ai.patch_gemini": ["gemini"],
    "amplitude_ai.patch_mistral": ["mistral"],
    "amplitude_ai.patch_bedrock": ["bedrock"],
}
for _k, _v in list(PATCH_FUNCTIONS.items()):
    PATCH_FUNCTIONS[_k.replace("amplitude_ai.", "amplitude_ai.patching.")] = _v

OBSERVE_DECORATORS = {"amplitude_ai.observe", "amplitude_ai.core.decorators.observe"}
MIDDLEWARE_CLASSES = {"amplitude_ai.AmplitudeAIMiddleware", "amplitude_ai.middleware.AmplitudeAIMiddleware"}

# endpoint paths per client kind (relative to the client)
ENDPOINTS: dict[str, set[tuple[str, ...]]] = {
    OPENAI: {
        ("chat", "completions", "create"),
        ("chat", "completions", "parse"),
        ("chat", "completions", "stream"),
        ("beta", "chat", "completions", "create"),
        ("beta", "chat", "completions", "parse"),
        ("beta", "chat", "completions", "stream"),
        ("responses", "create"),
        ("responses", "parse"),
        ("responses", "stream"),
        ("completions", "create"),
        ("embeddings", "create"),
    },
    ANTHROPIC: {
        ("messages", "create"),
        ("messages", "stream"),
        ("messages", "parse"),
        ("beta", "messages", "create"),
        ("beta", "messages", "stream"),
        ("beta", "messages", "parse"),
        ("completions", "create"),
    },
    GENAI: {
        ("models", "generate_content"),
        ("models", "generate_content_stream"),
        ("models", "embed_content"),
    },
    GENERATIVEAI: {("generate_content",), ("generate_content_async",)},
    BEDROCK: {("converse",), ("converse_stream",), ("invoke_model",), ("invoke_model_with_response_stream",)},
    MISTRAL: {
        (group, verb)
        for group in ("chat", "fim", "agents")
        for verb in ("complete", "stream", "complete_async", "stream_async")
    }
    | {("embeddings", "create"), ("embeddings", "create_async")},
    MISTRAL_LEGACY: {("chat",), ("chat_stream",), ("embeddings",)},
}

# every prefix of an endpoint path (so attribute walks can drop uninteresting paths early)
ENDPOINT_PREFIXES: dict[str, set[tuple[str, ...]]] = {
    kind: {path[:i] for path in paths for i in range(1, len(path) + 1)} for kind, paths in ENDPOINTS.items()
}
ENDPOINT_LAST_NAMES = {path[-1] for paths in ENDPOINTS.values() for path in paths}

# module-level endpoints (the module acts as a default client)
MODULE_ENDPOINTS: dict[str, tuple[str, str]] = {}  # resolved name → (provider, api)
for _path in ENDPOINTS[OPENAI]:
    MODULE_ENDPOINTS["openai." + ".".join(_path)] = ("openai", ".".join(_path))
for _legacy in ("ChatCompletion", "Completion", "Embedding"):
    for _verb in ("create", "acreate"):
        MODULE_ENDPOINTS[f"openai.{_legacy}.{_verb}"] = ("openai", f"{_legacy}.{_verb}")
MODULE_ENDPOINTS["google.generativeai.embed_content"] = ("gemini", "embed_content")
MODULE_ENDPOINTS["google.generativeai.embed_content_async"] = ("gemini", "embed_content_async")
ENDPOINT_LAST_NAMES |= {name.rsplit(".", 1)[1] for name in MODULE_ENDPOINTS}

STREAM_APIS = {
    "stream",
    "stream_async",
    "chat_stream",
    "generate_content_stream",
    "converse_stream",
    "invoke_model_with_response_stream",
}

# web / command frameworks (top-level import → framework)
FRAMEWORK_MODULES = {
    "fastapi": "fastapi",
    "starlette": "starlette",
    "flask": "flask",
    "django": "django",
    "rest_framework": "django",
    "click": "click",
    "typer": "typer",
}
APP_CLASSES = {
    "fastapi.FastAPI": "fastapi",
    "fastapi.applications.FastAPI": "fastapi",
    "starlette.applications.Starlette": "starlette",
    "flask.Flask": "flask",
}
ROUTER_CLASSES = {
    "fastapi.APIRouter": "fastapi",
    "fastapi.routing.APIRouter": "fastapi",
    "starlette.routing.Router": "starlette",
    "flask.Blueprint": "flask",
    "typer.Typer": "typer",
}
HTTP_METHODS = {"get", "post", "put", "delete", "patch", "options", "head", "trace"}


def wrapper_name(qualified: str) -> str | None:
    """amplitude_ai's drop-in class for a provider class (``google.genai.Client`` → ``Gemini``)."""
    qualified = _CANONICAL.get(qualified, qualified)
    for wrapper, real in WRAPPER_CLASSES.items():
        if real == qualified and wrapper.count(".") == 1:
            return wrapper.split(".", 1)[1]
    return None


_CANONICAL = {
    "openai.Client": "openai.OpenAI",
    "openai.AsyncClient": "openai.AsyncOpenAI",
    "openai.lib.azure.AzureOpenAI": "openai.AzureOpenAI",
    "openai.lib.azure.AsyncAzureOpenAI": "openai.AsyncAzureOpenAI",
    "anthropic.Client": "anthropic.Anthropic",
    "anthropic.AsyncClient": "anthropic.AsyncAnthropic",
    "google.genai.client.Client": "google.genai.Client",
    "mistralai.client.Mistral": "mistralai.Mistral",
    "mistralai.sdk.Mistral": "mistralai.Mistral",
}
