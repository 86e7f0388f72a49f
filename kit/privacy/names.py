"""Chinese personal names in free text, found with jieba's part-of-speech tagging and a
surname list.

jieba (MIT licence) tags person names ``nr`` from its dictionary and, for words it has never
seen, from its hidden Markov model. Its tags alone are not enough: its dictionary calls common
words such as 明白, 文明 or 谢谢 names, and an ordinary villager's name is in no dictionary. So a
span counts as a name when it starts with a surname and

1. jieba tags it as a person name and it is not a common dictionary word; or
2. a surname that jieba splits off is followed by one or two characters that can be a given
   name (not a title such as 书记, not a pronoun or particle), and jieba tags either part as a
   name, or the text says it is a person (户主, 村民, 联系人, 我叫, ...), or the span is the whole
   answer; or
3. it follows a word that introduces a person (户主张伟反映 -> 张伟), where jieba's own
   segmentation may have cut the name apart.

The surnames are those of the 百家姓 (a Northern Song text, public domain): its single and
compound surnames, plus 覃 (common in Guangxi, not in the 百家姓). Detection errs towards
masking: a masked common word costs a reader little, a name left in clear cannot be recalled.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import warnings
from functools import lru_cache

__all__ = ["find_names", "mask_names", "looks_like_name", "SURNAMES", "COMPOUND_SURNAMES",
           "NAME_MASK", "warm_up"]

NAME_MASK = "〔姓名已隐去〕"

# 百家姓 (public domain): the single surnames, in the text's order ...
_BAIJIAXING_SINGLE = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康"
    "伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵"
    "席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗"
    "丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫"
    "乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄"
    "印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴鬱胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍卻璩桑桂"
    "濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘"
    "匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相"
    "查后荆红游竺权逯盖益桓公"
    # ... and those after the compound surnames
    "仉督晋楚闫法汝鄢涂钦归海岳帅缑亢况郈有琴佘佴墨哈谯笪年爱阳佟言福"
)
# ... its compound surnames
COMPOUND_SURNAMES = frozenset(
    "万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔 "
    "申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 端木 巫马 "
    "公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 百里 东郭 南门 呼延 羊舌 微生 梁丘 左丘 东门 "
    "西门 商牟 伯赏 南宫 第五".split())
SURNAMES = frozenset(_BAIJIAXING_SINGLE + "覃")
# surnames that are also everyday words (有, 和, 能, 党, 明...): a word jieba has not seen that
# starts with one is a name only where the text says a person is meant
_WEAK = frozenset("有和于从能都那后东国文经干应计成全平明时万方向古易双党相查盖益公广通连习别居步满空红"
                  "利师福言爱年法海归帅琴还甘丰牧山谷车宁秋伊宫宿白印从索咸籍能苍双闻党贡劳扶终")

# Words that introduce a person: 户主张伟, 联系人：李明, 村支书王建国, 我叫赵小兰.
_INTRO = ("户主|户名|村民|居民|群众|党员|姓名|名字|联系人|填报人|填表人|填写人|负责人|申请人|受访人|"
          "受访者|被访人|被访者|访问员|调查员|网格员|签名|签字|我叫|我是|本人是|名叫|叫做|家属|书记|"
          "支书|主任|村长|组长|会计|委员|同志|老人|大爷|大妈|大娘|阿姨|叔叔|儿子|女儿|丈夫|妻子|爱人|"
          "父亲|母亲|邻居|建议|感谢|看到|看见|通知|告诉|帮助|照顾|找|请|让|给|问|和|与|跟|叫")
# What follows a surname but is not a given name: titles, kinship terms, 某 (already anonymous).
_NOT_GIVEN = frozenset(
    "书记 支书 副书记 主任 副主任 村长 镇长 乡长 县长 市长 组长 队长 会计 委员 干部 同志 老师 师傅 医生 "
    "大夫 大爷 大妈 大娘 大姐 大哥 大叔 阿姨 叔叔 奶奶 爷爷 婶婶 婶子 老板 先生 女士 小姐 总 局长 部长 "
    "科长 所长 站长 厂长 经理 家 家里 家人 某 某某 氏 姓 网格员 专干 主席 院长 校长 代表 户".split())
_GIVEN_STOP_FLAGS = frozenset("r p c u uj ul uz ud ug uv d m q mq y e o f w ad x".split())
_SURNAME_STOP_FLAGS = frozenset("r p c u uj ul uz ud ug uv y e o".split())
_WORDY_FLAGS = frozenset("v vn vd d a ad an m q".split())
_PLACE_CHARS = set("村庄镇乡屯寨湾县市区省")
# Words that start right after a given name; a given name stops before them.
_AFTER = ("反映|说|讲|讲到|表示|认为|家|同志|的|在|是|电话|手机|联系|等|和|与|及|也|都|还|就|曾|"
          "分享|推荐|介绍|转发|填写|填报|提供|签字|签名|"
          "希望|建议|要求|提出|户|书记|主任|村长|组长|老师|这|那|已|今年|去年|一家|夫妇|")
_PLACE_END = re.compile(r"(?:村|庄|镇|乡|屯|寨|湾|县|市|区|省|路|街|巷|组|社区|街道|小区|公司|厂|店|"
                        r"集团|银行|学校|小学|中学|医院|山庄|家园)$")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_COMMON_FREQ = 100  # jieba dictionary words at least this frequent are common words, not names
_NAME_FLAGS = ("nr", "nrfg", "nrt", "new")

# Party-building words that start with a surname character (党, 支, 两, 红...): jieba does not
# know them and would read them as names.
_DOMAIN_WORDS = ("党日 主题党日 党课 党费 党务 党建 党史 党龄 党群 党小组 党支部 党总支 党员户 党员岗 党代表 "
                 "村两委 两委 两新 两学一做 三会一课 四议两公开 第一书记 驻村 网格员 网格长 积分超市 星级 "
                 "红色 红旗 红榜 黑榜 明白纸 连心卡 农家书屋 新时代文明实践站 文明实践 乡风文明 "
                 "低保户 五保户 脱贫户 监测户 易地搬迁 光伏 合作社 集体经济 经济合作社").split()
_lock = threading.Lock()
_ready: list = []  # jieba once loaded: (tokenizer, tags, frequencies)


def warm_up() -> None:
    """Load jieba's dictionary in a background thread (about 1.5 s of CPU), so that it is
    ready when names are first looked for; the loader calls it before a long read whose
    answers are text. Later calls wait for it (``_jieba`` is locked) instead of loading twice."""
    if _jieba.cache_info().currsize == 0 and not _lock.locked():
        _import_jieba()  # here: warning filters are process-wide, not to be changed in a thread
        threading.Thread(target=_jieba, name="kit-jieba-warm-up").start()


def _import_jieba():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources, deprecated in setuptools
        import jieba
    return jieba


@lru_cache(maxsize=1)
def _jieba():
    """jieba's tokenizer, initialised once (the dictionary load takes about a second)."""
    with _lock:
        if _ready:  # loaded by warm_up() while this call waited for the lock
            return _ready[0]
        jieba = sys.modules.get("jieba") or _import_jieba()
        import jieba.posseg as pseg

        jieba.setLogLevel(logging.WARNING)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        jieba.initialize()
        for word in _DOMAIN_WORDS:  # words of this field that jieba would take for names
            jieba.add_word(word, freq=2000, tag="n")
            pseg.dt.word_tag_tab[word] = "n"
        _ready.append((jieba.dt, pseg.dt.word_tag_tab, jieba.dt.FREQ))
        return _ready[0]


def _tokens(text: str) -> list[tuple[int, str, str]]:
    """(offset, word, tag): jieba's segmentation with its hidden Markov model for unseen words,
    each word tagged from jieba's dictionary; a word the dictionary lacks is tagged ``new``
    (jieba's HMM mostly discovers names). Much faster than ``jieba.posseg`` with its HMM."""
    dt, tags, _ = _jieba()
    out, pos = [], 0
    for w in dt.cut(text, HMM=True):
        out.append((pos, w, tags.get(w, "new" if len(w) > 1 else "x")))
        pos += len(w)
    return out


@lru_cache(maxsize=1)
def _intro_re():
    sur = "|".join(sorted(COMPOUND_SURNAMES, key=len, reverse=True)) + "|[" + "".join(
        sorted(SURNAMES)) + "]"
    return re.compile(rf"(?:{_INTRO})[:：\s]*({sur})([\u4e00-\u9fff]{{1,2}})")


@lru_cache(maxsize=1)
def _candidate_re():
    return re.compile("[" + "".join(sorted(SURNAMES)) + "][\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _after_re():
    return re.compile(rf"^(?:{_AFTER.rstrip('|')})")


def _surname_len(word: str) -> int:
    """Length of the surname that ``word`` starts with (0: none)."""
    if word[:2] in COMPOUND_SURNAMES and (len(word) >= 3 or word in COMPOUND_SURNAMES):
        return 2
    return 1 if word[:1] in SURNAMES else 0


def _common(word: str, freq) -> bool:
    return freq.get(word, 0) >= _COMMON_FREQ


def _phrase(word: str, n: int, freq) -> bool:
    """A dictionary 'name' that starts with a common word is a phrase: 明显提高, 文明建设."""
    return len(word) >= 3 and n == 1 and _common(word[:2], freq)


def _in_context(text: str, toks, i: int, spans, whole: bool) -> bool:
    """Whether token ``i`` stands where a person is named: after 户主/联系人/..., before
    说/同志/..., in a list of names, or as the whole answer."""
    p, w, _ = toks[i]
    before = text[:p]
    if re.search(rf"(?:{_INTRO})[:：\s]*$", before):
        return True
    if before.endswith(("、", "和")) and spans and spans[-1][1] == p - 1:
        return True
    nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
    if nxt and (_after_re().match(nxt) or nxt in ("、", "，", ",")):
        return True
    return whole and text.strip() == w


def _ends_name(toks, j: int, text: str) -> bool:
    """Whether a name may end before token ``j``: at the end, punctuation or 说/同志/..."""
    if j >= len(toks):
        return True
    w = toks[j][1]
    return not _CJK.match(w[:1]) or bool(_after_re().match(w))


def _given_ok(g: str, flag: str, freq) -> bool:
    return (1 <= len(g) <= 2 and bool(_CJK.match(g)) and g not in _NOT_GIVEN
            and flag not in _GIVEN_STOP_FLAGS)


def _cut_given(rest: str) -> str:
    """At most two characters of given name from ``rest``, stopping before a word such as 反映."""
    after = _after_re()
    for k in (2, 1):
        g = rest[:k]
        if len(g) == k and _CJK.match(g) and not any(after.match(rest[j:]) for j in range(1, k)):
            return g
    return ""


def find_names(text: str, whole: bool | None = None) -> list[tuple[int, int]]:
    """Spans ``(start, end)`` of person names in ``text``.

    >>> t = "户主张伟反映路灯坏了，村民王秀英说联系人是赵铁柱"
    >>> [t[a:b] for a, b in find_names(t)]
    ['张伟', '王秀英', '赵铁柱']
    >>> find_names("加强精神文明建设，群众满意度明显提高")
    []
    """
    if not text or not _candidate_re().search(text):
        return []  # no surname followed by another character: nothing to segment
    freq = _jieba()[2]
    toks = _tokens(text)
    stripped = text.strip()
    if whole is None:
        whole = len(stripped) <= 4
    spans: list[tuple[int, int]] = []
    starts = {p: (w, f) for p, w, f in toks}
    for i, (p, w, f) in enumerate(toks):
        if not _CJK.match(w):
            continue
        n = _surname_len(w)
        if not n:
            continue
        # 1. one token that jieba calls a person's name
        # an unseen two-character word (党日) needs more than its first character
        bare_new = f == "new" and (len(w) == 2 or w[0] in _WEAK) and \
            not _in_context(text, toks, i, spans, whole)
        # an unseen word may carry what follows the name: 张伟家 -> 张伟
        k = len(w) if f != "new" else n + len(_cut_given(w[n:]) or w[n:])
        if (f in _NAME_FLAGS and 2 <= k <= n + 2 and not _common(w, freq) and not bare_new
                and not _PLACE_END.search(w[:k]) and not _phrase(w, n, freq)):
            spans.append((p, p + k))
            continue
        # 1b. an unseen word that holds the surname and part of the given name: 汤雨/萱/说,
        # 李来/福说
        if f == "new" and len(w) == 2 and i + 1 < len(toks):
            nw = toks[i + 1][1]
            if _CJK.match(nw[:1]) and toks[i + 1][2] not in _GIVEN_STOP_FLAGS and (
                    (len(nw) == 1 and _ends_name(toks, i + 2, text)) or
                    (len(nw) >= 2 and _after_re().match(nw[1:]))) and \
                    not _PLACE_END.search(w + nw[0]) and not _common(w + nw[0], freq):
                spans.append((p, p + 3))
                continue
        # 2. a surname on its own, then a given name
        if len(w) == n and i + 1 < len(toks) and f not in _SURNAME_STOP_FLAGS:
            _, g, gf = toks[i + 1]
            name = w + g
            if not _given_ok(g, gf, freq) or _common(name, freq) or _PLACE_END.search(name):
                continue
            before = text[:p]
            said = bool(re.search(rf"(?:{_INTRO})[:：\s]*$", before)) or (
                before.endswith(("、", "和")) and bool(spans) and spans[-1][1] == p - 1)
            alone = whole and stripped == name
            # 苏/建设/说, 郑/锦涛/同志: what follows says a person was named
            nxt = toks[i + 2][1] if i + 2 < len(toks) else ""
            followed = bool(nxt) and bool(_after_re().match(nxt) or nxt == "、")
            if f in _WORDY_FLAGS or w in _WEAK:  # 有/困难, 能/解决: named only by context
                followed = False
            rare_compound = n == 2 and not _common(w, freq) and f not in _WORDY_FLAGS
            weak = f in _WORDY_FLAGS or w in _WEAK  # 有/独卫: the 'given name' must be a known one
            given_named = gf in ("nr", "nrfg", "nrt") or (gf == "new" and not weak)
            alone = alone and not weak
            if f in _NAME_FLAGS or given_named or said or alone or followed or rare_compound:
                spans.append((p, p + len(name)))
    # 4. an answer that is a name and nothing else (汤雨萱, 王满囤)
    if whole and 2 <= len(stripped) <= 4 and _CJK.match(stripped) and _surname_len(stripped) \
            and len(stripped) - _surname_len(stripped) <= 2 and not _PLACE_END.search(stripped):
        inner = [t for t in toks if t[1].strip()]
        known = [t for t in inner if t[2] != "new" and t[1] in freq]
        one_word = len(inner) == 1 and inner[0][2] not in _NAME_FLAGS
        weak = stripped[0] in _WEAK and _surname_len(stripped) == 1 and not (
            len(inner) == 1 and inner[0][2] in ("nr", "nrfg", "nrt"))  # 有独卫, 文静: words
        if not one_word and not weak and not (len(known) == len(inner) and all(
                _common(t[1], freq) for t in inner)):
            off = text.index(stripped)
            spans.append((off, off + len(stripped)))
    # 3. introduced names that the segmentation cut apart (户/主张/伟)
    for m in _intro_re().finditer(text):
        s = m.start(1)
        at = starts.get(s)
        if at is not None and at[1] not in _NAME_FLAGS and _CJK.match(at[0]) and \
                len(at[0]) > len(m.group(1)) and (len(at[0]) >= 3 or _common(at[0], freq)):
            continue  # a common word starts here: 群众/满意度, 党员/干部 (not 户主/云海/生)
        if any(p <= m.start() and p + len(w) > s and f != "new" for p, w, f in toks):
            continue  # the introducing word is part of a longer one: 群众路线 (not 请柏/青松)
        g = _cut_given(text[m.end(1):])
        first = starts.get(m.end(1))
        if first is not None and first[1] in _GIVEN_STOP_FLAGS:
            continue  # 感谢党/和/政府: a conjunction, not a given name
        if at is not None and at[1] in _SURNAME_STOP_FLAGS:
            continue  # 老人/和/儿童: the 'surname' is a conjunction
        end = m.end(1) + len(g)
        if _PLACE_END.search(m.group(1) + g) or text[end:end + 1] in _PLACE_CHARS:
            continue  # 和李庄村: a place
        if g and g not in _NOT_GIVEN and not _common(m.group(1) + g, freq):
            spans.append((s, m.end(1) + len(g)))
    return _merge(spans)


def _merge(spans):
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def mask_names(text: str, whole: bool | None = None) -> str:
    """``text`` with every name found replaced by 〔姓名已隐去〕.

    >>> mask_names("建议李书记多来村里，张伟家的路还没修")
    '建议李书记多来村里，〔姓名已隐去〕家的路还没修'
    """
    spans = find_names(text, whole)
    for a, b in reversed(spans):
        text = text[:a] + NAME_MASK + text[b:]
    return text


def looks_like_name(value: str) -> bool:
    """Whether a short answer is, as a whole, a person's name (张伟, 欧阳娜娜; not 城关镇)."""
    v = str(value).strip()
    if not (2 <= len(v) <= 4) or not _CJK.match(v) or not _surname_len(v):
        return False
    return find_names(v, whole=True) == [(0, len(v))]
