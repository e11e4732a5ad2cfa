"""The transforms on their own, with explicit targets (no scanner): layout, comments,
imports, name clashes, refusals, idempotence. The generated end-to-end suite is
test_snapshots.py."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from amplitude_ai.codemods.transforms import (
    TRANSFORMS,
    AddMiddleware,
    AppTarget,
    ClientTarget,
    HandlerTarget,
    SwapClient,
    WrapClient,
    WrapSession,
)


def run(cls, source, targets):
    transform = cls(CodemodContext(), targets)
    out = transform.transform_module(cst.parse_module(source)).code
    compile(out, "<t>", "exec")
    again = cls(CodemodContext(), targets).transform_module(cst.parse_module(out)).code
    return out, transform.outcome, again


CASES = [
    (
        "parenthesized-import-comments-follow-their-names",
        SwapClient,
        "from openai import (\n    APIError,  # errors\n    OpenAI,  # the client\n)\n\nc = OpenAI()\n",
        [ClientTarget(6, 4, "OpenAI")],
        "from openai import (\n    APIError,  # errors\n)\nfrom amplitude_ai import OpenAI  # the client\n"
        "from amplitude_setup import ai\n\nc = OpenAI(amplitude=ai)\n",
    ),
    (
        "backslash-continued-import-renamed-in-place",
        SwapClient,
        "from openai import OpenAI, \\\n    AsyncOpenAI\n\nc = OpenAI()\nd = AsyncOpenAI()\n",
        [ClientTarget(4, 4, "OpenAI"), ClientTarget(5, 4, "AsyncOpenAI")],
        "from amplitude_ai import OpenAI, \\\n    AsyncOpenAI\nfrom amplitude_setup import ai\n\n"
        "c = OpenAI(amplitude=ai)\nd = AsyncOpenAI(amplitude=ai)\n",
    ),
    (
        "tabs-and-self-client",
        SwapClient,
        "from anthropic import Anthropic\n\nclass Bot:\n\tdef __init__(self):\n\t\tself.client = Anthropic(\n\t\t\tapi_key=k)\n",
        [ClientTarget(5, 16, "Anthropic")],
        "from amplitude_ai import Anthropic\nfrom amplitude_setup import ai\n\nclass Bot:\n\tdef __init__(self):\n"
        "\t\tself.client = Anthropic(\n\t\t\tamplitude=ai,\n\t\t\tapi_key=k)\n",
    ),
    (
        "local-import-gets-local-ai-import",
        SwapClient,
        "def make():\n    from openai import OpenAI\n    return OpenAI(base_url=u).with_options(timeout=3)\n",
        [ClientTarget(3, 11, "OpenAI")],
        "def make():\n    from amplitude_ai import OpenAI\n    from amplitude_setup import ai\n"
        "    return OpenAI(amplitude=ai, base_url=u).with_options(timeout=3)\n",
    ),
    (
        "positional-and-star-arguments",
        SwapClient,
        "from openai import OpenAI\n\nc = OpenAI(**opts)\nd = OpenAI('k', *a)\n",
        [ClientTarget(3, 4, "OpenAI"), ClientTarget(4, 4, "OpenAI")],
        "from amplitude_ai import OpenAI\nfrom amplitude_setup import ai\n\nc = OpenAI(amplitude=ai, **opts)\n"
        "d = OpenAI('k', *a, amplitude=ai)\n",
    ),
    (
        "parameter-named-ai-shadows",
        SwapClient,
        "from openai import OpenAI\n\ndef f(ai):\n    return OpenAI()\n",
        [ClientTarget(4, 11, "OpenAI")],
        "from amplitude_ai import OpenAI\nfrom amplitude_setup import ai as amplitude_ai_instance\n\n"
        "def f(ai):\n    return OpenAI(amplitude=amplitude_ai_instance)\n",
    ),
    (
        "dotted-module-import-kept",
        SwapClient,
        '"""Doc."""\nfrom __future__ import annotations\n\nimport openai.lib.azure\n\nc = openai.lib.azure.AzureOpenAI()\n',
        [ClientTarget(6, 4, "AzureOpenAI")],
        '"""Doc."""\nfrom __future__ import annotations\n\nimport openai.lib.azure\nimport amplitude_ai\n'
        "from amplitude_setup import ai\n\nc = amplitude_ai.AzureOpenAI(amplitude=ai)\n",
    ),
    (
        "crlf",
        SwapClient,
        "from openai import OpenAI\r\n\r\nc = OpenAI()\r\n",
        [ClientTarget(3, 4, "OpenAI")],
        "from amplitude_ai import OpenAI\r\nfrom amplitude_setup import ai\r\n\r\nc = OpenAI(amplitude=ai)\r\n",
    ),
    (
        "session-tabs-crlf",
        WrapSession,
        "import x\r\n\r\ndef h(e, c):\r\n\treturn 1\r\n",
        [HandlerTarget(3)],
        'import x\r\nfrom amplitude_setup import agent\r\n\r\ndef h(e, c):\r\n\twith agent.session(user_id="TODO-user-id"):'
        "  # TODO(amplitude-ai): pass the real user id\r\n\t\treturn 1\r\n",
    ),
    (
        "session-one-line-def-stacked-decorators",
        WrapSession,
        "import x\n\n@a\n@b(1)\ndef h(e, c): return ask(e)\n",
        [HandlerTarget(3, "h")],  # the first decorator's line works too
        'import x\nfrom amplitude_setup import agent\n\n@a\n@b(1)\ndef h(e, c):\n    with agent.session(user_id="TODO-user-id"):'
        "  # TODO(amplitude-ai): pass the real user id\n        return ask(e)\n",
    ),
    (
        "session-nested-function-comments",
        WrapSession,
        "import x\n\ndef outer():\n    def h(e, c):\n        '''d'''\n        return ask(e)  # trailing\n        # footer\n    return h\n",
        [HandlerTarget(4, "h", "e['user']")],
        "import x\nfrom amplitude_setup import agent\n\ndef outer():\n    def h(e, c):\n        '''d'''\n"
        "        with agent.session(user_id=e['user']):\n            return ask(e)  # trailing\n        # footer\n    return h\n",
    ),
    (
        "session-docstring-only-untouched",
        WrapSession,
        "def main(q):\n    '''Only a docstring.'''\n",
        [HandlerTarget(1, "main")],
        "def main(q):\n    '''Only a docstring.'''\n",
    ),
    (
        "session-no-imports-blank-lines",
        WrapSession,
        "#!/usr/bin/env python\n# header\n\ndef main(q):\n    X = ask(q)\n",
        [HandlerTarget(4, "main")],
        "#!/usr/bin/env python\n# header\n\nfrom amplitude_setup import agent\n\n\ndef main(q):\n"
        '    with agent.session(user_id="TODO-user-id"):  # TODO(amplitude-ai): pass the real user id\n        X = ask(q)\n',
    ),
    (
        "existing-bootstrap-import-extended",
        WrapSession,
        "from amplitude_setup import (\n    ai,\n)\n\ndef h():\n    x()\n",
        [HandlerTarget(5, "h", "uid")],
        "from amplitude_setup import (\n    ai,\n    agent,\n)\n\ndef h():\n    with agent.session(user_id=uid):\n        x()\n",
    ),
    (
        "middleware-extends-bootstrap-import",
        AddMiddleware,
        "from fastapi import FastAPI\nfrom amplitude_setup import ai\n\napp = FastAPI()\n",
        [AppTarget(4, "app")],
        "from fastapi import FastAPI\nfrom amplitude_setup import ai, agent\nfrom amplitude_ai.middleware import AmplitudeAIMiddleware\n\n"
        "app = FastAPI()\napp.add_middleware(AmplitudeAIMiddleware, amplitude_ai=ai, agent=agent)\n",
    ),
    (
        "wrap-joins-runtime-import",
        WrapClient,
        "import boto3\nfrom amplitude_ai import OpenAI\nfrom amplitude_setup import ai\n\nc = boto3.client('bedrock-runtime')\n",
        [ClientTarget(5, 4)],
        "import boto3\nfrom amplitude_ai import OpenAI, wrap\nfrom amplitude_setup import ai\n\n"
        "c = wrap(boto3.client('bedrock-runtime'), amplitude=ai)\n",
    ),
]


@pytest.mark.parametrize("name,cls,source,targets,expected", CASES, ids=[c[0] for c in CASES])
def test_transform(name, cls, source, targets, expected) -> None:
    out, outcome, again = run(cls, source, targets)
    assert out == expected
    assert outcome.warnings == []
    assert again == out, "a second run with the same targets changes nothing"


REFUSALS = [
    ("conditional-import", SwapClient, "try:\n    from openai import OpenAI\nexcept ImportError:\n    OpenAI = None\n\nc = OpenAI()\n",
     [ClientTarget(6, 4, "OpenAI")], "not bound by one"),
    ("star-import", SwapClient, "from openai import *\n\nc = OpenAI()\n", [ClientTarget(3, 4, "OpenAI")], "not bound by one"),
    ("nothing-at-position", SwapClient, "x = 1\n", [ClientTarget(1, 0, "OpenAI")], "no client construction"),
    ("app-not-assigned", AddMiddleware, "from fastapi import FastAPI\n\nmake(FastAPI())\n", [AppTarget(3)], "by hand"),
    ("handler-missing", WrapSession, "x = 1\n", [HandlerTarget(1, "h")], "not found"),
]


@pytest.mark.parametrize("name,cls,source,targets,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal(name, cls, source, targets, message) -> None:
    out, outcome, _ = run(cls, source, targets)
    assert out == source
    assert any(message in w for w in outcome.warnings), outcome.warnings


def test_every_transform_documents_itself() -> None:
    for cls in TRANSFORMS:
        module = __import__(cls.__module__, fromlist=["EXAMPLES"])
        assert cls.DESCRIPTION and module.DESCRIPTION == cls.DESCRIPTION
        assert len(module.EXAMPLES) >= 2
        for name, before, after in module.EXAMPLES:
            assert before != after, name
            compile(after, name, "exec")
