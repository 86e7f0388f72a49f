"""Reading the YAML files evaluators edit by hand, safely.

* Encoding: UTF-8 (with or without BOM), UTF-16 with a BOM (Notepad's “Unicode”), or GB18030
  (a superset of GBK: what Notepad and WPS save as “ANSI” on a Chinese Windows).
* A key written twice in one mapping is an error naming both lines (plain PyYAML keeps the
  last one silently).
* Aliases (``*name``) are allowed for repeated blocks, but the document as expanded may not
  exceed :data:`MAX_NODES` nodes, so an alias bomb is refused at once instead of exhausting memory;
  an alias that refers to itself is refused.
* Syntax errors give the line and a Chinese explanation of the usual causes (a Tab, a full-width
  colon “：”, a missing space after “:”, an unclosed quote).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import KitError

__all__ = ["read_yaml", "decode_text", "MAX_NODES", "MAX_BYTES"]

MAX_NODES = 200_000      # nodes after expanding aliases (a 60-question codebook has ~3,000)
MAX_BYTES = 5_000_000    # a configuration file, not a data file


class _YamlLimit(yaml.YAMLError):
    def __init__(self, message: str, mark=None):
        super().__init__(message)
        self.message = message
        self.problem_mark = mark


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, self-referring aliases and alias bombs."""

    def __init__(self, stream):
        super().__init__(stream)
        self._sizes: dict[int, int] = {}

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and id(target) not in self._sizes:
                raise _YamlLimit("别名（*）引用了包含它自己的锚点（&），形成循环",
                                 event.start_mark)
            return super().compose_node(parent, index)
        node = super().compose_node(parent, index)
        if isinstance(node, ScalarNode):
            size = 1
        else:
            children = node.value if isinstance(node, SequenceNode) else \
                [n for pair in node.value for n in pair]
            size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
        if size > MAX_NODES:
            raise _YamlLimit(f"展开别名（*）后超过{MAX_NODES}个元素，已拒绝读取；配置文件不应这样大，"
                             "可能是恶意的“别名炸弹”", node.start_mark)
        self._sizes[id(node)] = size
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    continue  # unhashable: SafeConstructor reports it
                if first is not None:
                    raise _YamlLimit(f"键「{key}」在同一层写了两次（第{first.start_mark.line + 1}行和第"
                                     f"{key_node.start_mark.line + 1}行），请删除或合并其中一个", key_node.start_mark)
                seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def decode_text(raw: bytes, path: Path, error: type[KitError] = KitError) -> str:
    """The text of a configuration file: UTF-8 (BOM optional), UTF-16 with BOM, or GB18030."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise error("文件编码无法识别：应为 UTF-8 或 GBK/GB18030 编码的文本。请用记事本打开后“另存为”，"
                    "编码选 UTF-8 (undecodable text: expected UTF-8 or GB18030)", path=path) from None


_PROBLEMS = [  # PyYAML's English problem -> what an evaluator should check
    ("while scanning a quoted scalar", "引号没有闭合"),
    ("found character '\\t'", "用了制表符（Tab）缩进；YAML 只能用空格缩进，请把 Tab 改成空格"),
    ("mapping values are not allowed", "此处不能出现“键: 值”：常见原因是上一行缩进不对，或文字中含有"
                                       "“: ”（冒号加空格）而没有加引号"),
    ("could not find expected ':'", "缺少冒号“:”：每个键后应写半角冒号和一个空格（如 title: 标题）"),
    ("did not find expected key", "缩进不一致：同一层的键应左对齐"),
    ("did not find expected '-' indicator", "列表缩进不一致：同一列表的各项“- ”应左对齐"),
    ("did not find expected node content", "此处缺少内容（可能多写了逗号或括号）"),
    ("found unexpected end of stream", "文件意外结束：可能有引号或括号没有闭合"),
    ("found undefined alias", "引用了没有定义的锚点（*名称 之前应有 &名称）"),
    ("expected a single document", "文件中有多个 YAML 文档（由 --- 分隔），只应有一个"),
    ("found unhashable key", "键不能是列表或映射"),
    ("found unknown escape character", "双引号中的反斜杠“\\”被当作转义符；路径请改用单引号或正斜杠“/”"),
    ("expected ',' or ']'", "方括号 [ ] 中的列表没有闭合或缺少逗号"),
    ("expected ',' or '}'", "花括号 { } 中的映射没有闭合或缺少逗号"),
]
_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"\[\]{}][^:：#]*?：")
_NO_SPACE_COLON = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w.-]*:(?=[^\s:/])")


def _hint(text: str) -> str:
    """Lines that look like a key typed with a full-width colon or without a space."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#"):
            continue
        if _FULLWIDTH_COLON.match(line):
            return f"；第{i}行用了全角冒号“：”，键后应为半角冒号“:”加一个空格"
        if _NO_SPACE_COLON.match(line):
            return f"；第{i}行的冒号“:”后缺少空格"
    return ""


def _syntax_message(exc: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    if isinstance(exc, _YamlLimit):
        mark = exc.problem_mark
        return exc.message, (mark.line + 1 if mark else None)
    mark = getattr(exc, "problem_mark", None)
    problem = str(getattr(exc, "problem", None) or exc)
    why = next((zh for en, zh in _PROBLEMS if en in problem or en in str(exc)), None)
    where = f"第{mark.column + 1}列：" if mark else ""
    context = getattr(exc, "context_mark", None)
    if why == "引号没有闭合" and context is not None:
        why += f"（引号从第{context.line + 1}行开始）"
    msg = f"YAML 格式错误，{where}{why or '请检查这一行的缩进、冒号和引号'} (YAML syntax: {problem})"
    return msg + _hint(text), (mark.line + 1 if mark else None)


def read_yaml(path: str | Path, error: type[KitError] = KitError,
              missing: str = "文件不存在"):
    """The content of a YAML file (``None`` when empty); every failure raises ``error``
    naming the file and, for syntax errors, the line."""
    path = Path(path)
    if not path.exists():
        raise error(missing, path=path)
    if path.is_dir():
        raise error("这是一个文件夹，不是 YAML 文件", path=path)
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise error(f"文件过大（{len(raw) // 1_000_000}MB），不像配置文件", path=path)
    text = decode_text(raw, path, error)
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        msg, line = _syntax_message(exc, text)
        raise error(msg, path=path, row=line) from None
    except RecursionError:
        raise error("嵌套层数过深，不像配置文件", path=path) from None
    finally:
        loader.dispose()


def not_a_mapping_hint(text_or_path) -> str:
    """Why a YAML file did not give a mapping (a full-width colon, a missing space)."""
    text = Path(text_or_path).read_bytes() if isinstance(text_or_path, Path) else text_or_path
    if isinstance(text, bytes):
        text = decode_text(text, Path("?"))
    return _hint(text)
