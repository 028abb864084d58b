"""The message level of reading: clauses, negation and its scope, yes/no answers.

Below the programmes' readers (actions/talent_reader.py, actions/partner_reader.py), which
know what a phrase means; this module only knows how Chinese says "not" and "yes".

Negation scope: a phrase is denied when a negation precedes it in its clause ("我不是博士",
"学校不是双一流的") or closes the clause after it ("正高职称没有", "博士还没毕业"), but not
when the negation goes on to name something else ("是博士不是硕士" denies only 硕士).
"""
from __future__ import annotations

import re
from typing import Optional

CLAUSE_BREAK = r"[，,。；;！!？?\n、]"
# What may stand between a negation and the phrase it denies: "不是双一流", "没有任何人才称号",
# "还没评上正高" (a verb of getting), "不在白云区".
_BEFORE_GAP = r"(?:是|有|在|算|属于|任何|什么|获得|拿到|拿|取得|评上|评|入选|当选|获评|获|持有|国家级|省级|市级|区级|省|国家|考上|考|读|过|了|的|一个|这个|一所|个|所|家|做|搞|干|从事|搞的|做的|出国|出境|去国外|去|" \
              r"公司的?|企业的?|单位的?|本单位|本公司|我们公司的?|该公司的?)*"
# "不过", "不仅", "不少", "不错" are not denials.
_NEGATION = r"(?:并不是|并非|不属于|算不上|谈不上|不是|没有|没|未|无|非|不(?![过仅但少错光]))"
_NEG_BEFORE = re.compile(_NEGATION + _BEFORE_GAP + r"$")
# After the phrase, to the end of its clause: "没有", "还没毕业", "不是的", "也没拿到".
_NEG_AFTER = re.compile(r"^(?:的|学位|学历|职称|称号|证书|资格)?(?:，|,)?(?:但|但是|不过|可是|却|可|我|也|都|还|并|就|倒|暂时|目前|最后|结果|"
                        r"今年|去年|这次|上次|一直|至今|到现在|现在|暂)*"
                        + _NEGATION + r"(?:有|是|拿到|获得|取得|评上|毕业|通过|考上|算|属于|评下来|批下来|下来|办理?|申请|申领|领到?|"
                        r"读完|念完|读下来|拿下来?|评到|考到|到手|申请下来|办下来|申请到|办到|批)?"
                        r"(?:的|了|呢|啊|哦|过)*\s*(?:" + CLAUSE_BREAK + "|$|就|便)")


def has_negation(text: str) -> bool:
    return bool(re.search(_NEGATION, text))


def clause_bounds(text: str, start: int, end: int) -> tuple:
    """(start, end) of the clause holding text[start:end]."""
    breaks = [m.start() for m in re.finditer(CLAUSE_BREAK, text)]
    left = max((b + 1 for b in breaks if b < start), default=0)
    right = min((b for b in breaks if b >= end), default=len(text))
    return left, right


# After the phrase: held no longer ("人才绿卡过期了") or not yet ("博士学位还在申请中").
_LAPSED_OR_PENDING = re.compile(r"^(?:的|学位|学历|职称|称号|证书|资格)?[^，,。；;]{0,4}?(?:已经|已|早就|早)?"
                                r"(?:过期|失效|到期|作废|被取消|被撤销|被收回|申请中|评审中|审核中|申报中|公示中|办理中|在申请|在评)")
# The next clause takes it back: "我以前是市劳模，现在不是了".
_NO_LONGER = re.compile(r"^[，,]\s*(?:但是?|不过|可是)?(?:现在|目前|如今)(?:已经)?(?:不是|没有|不算|不再是)了?")


# The end of a list's last item that denies the whole list: "优粤卡、人才绿卡都没有".
_LIST_DENIED = re.compile(r"(?:都|也|全|均|全都|一个都|一样都)?" + _NEGATION + r"(?:有|是|拿到|拿|获得|取得|评上|持有|算|"
                          r"办理?|申请|申领|领|领到|评|考|考到|得到|入选|获评)?(?:的|了|呢|啊|哦|过)*$")


_BARE_DENIAL = re.compile(r"[，,；;]+\s*(?:都|也|全都|一个都|一样都|统统)?(?:没有|没|无|不是)(?:入选|获得|拿到?|评上)?(?:过|的)?"
                          r"\s*(?:[，,。；;！!]|$)")


def _list_denied(text: str, start: int, end: int, left: int, right: int) -> bool:
    """A phrase that is an item of a 、-list on its own ("优粤卡、人才绿卡都没有", "没有优粤卡、人才绿卡")
    is denied by the negation that closes or opens the list."""
    if text[left:start].strip() or text[end:right].strip(" 等"):
        return False  # the item says more than the phrase: its own clause decides
    last = right
    while last < len(text) and text[last] == "、":
        following = re.search(CLAUSE_BREAK, text[last + 1:])
        last = last + 1 + following.start() if following else len(text)
    if last > right and _LIST_DENIED.search(text[right + 1:last]):
        return True
    if _BARE_DENIAL.match(text[last:]) and not text[last - 1:last] == "、":
        return True   # "人才工程、特殊津贴……没有": the list, then a denial that is a clause of its own
    first = left
    while first > 0 and text[first - 1] == "、":
        first = max((m.end() for m in re.finditer(CLAUSE_BREAK, text[:first - 1])), default=0)
    # "也不是机器人骨干、大数据骨干、公共技术支撑平台": the denial opens the list
    return first < left and bool(re.match(r"(?:也|都|还|并|而且|又|更)?" + _NEGATION + _BEFORE_GAP, text[first:left]))


def negated(text: str, start: int, end: int) -> bool:
    """Whether the phrase at text[start:end] is denied by a negation in its own clause, or is
    held no longer or not yet ("人才绿卡过期了", "博士学位还在申请中")."""
    left, right = clause_bounds(text, start, end)
    if _list_denied(text, start, end, left, right) or _these_denied_after(text, end):
        return True
    if _LAPSED_OR_PENDING.match(text[end:right + 1]) or _NO_LONGER.match(text[right:right + 12]):
        return True
    before = text[max(left, start - 8):start]
    if _NEG_BEFORE.search(before) or _NEG_BEFORE.search(_ALTERNATIVE_BEFORE.sub("", before)):
        return True
    if _NEG_AFTER.match(text[end:right + 1]) or _KIND_DENIED_AFTER.match(text[end:right + 1]):
        return True
    # "我是博士，不过还没毕业": the next clause takes it back.
    if _TAKEN_BACK.match(text[right:right + 14]):
        return True
    # Asked and answered: "双一流大学？不是，…"
    return text[right:right + 1] in "？?" and bool(_ANSWERED_NO.match(text[right + 1:]))


# "院士专家啥的一个都没有": things of this kind, all denied.
_KIND_DENIED_AFTER = re.compile(r"^[^，,。；;]{0,6}?(?:啥的|之类的?|什么的|这些|那些|等等?|这类|那类)[^，,。；;]{0,8}?"
                                r"(?:一个|一项|一样|全|全部|统统|也)?都?(?:没有(?!问题)|没(?!有?问题)|不是|不沾边|沾不上|无缘|"
                                r"不具备|不具有|不符合|没拿到|没取得)")
# "院士、国务院特贴专家、省里那些重大人才工程，这些我统统不沾边": a later clause of the sentence
# denies what came before it as "these".
_THESE_DENIED = re.compile(r"[，,；;]\s*(?:这些|那些|以上|上面这些|上面的|前面这些|这几[个样项条种]|它们)(?:我|我们|本人)?"
                           r"(?:都|统统|全都|全部|一个都|一样都|一概|也都)?(?:不沾边|沾不上|没沾边|无缘|不是|不符合|不具备|"
                           r"没有(?!问题)|没拿过?|没评过?|没获得?过?|没(?!有?(?:问题|事)))")


def _these_denied_after(text: str, end: int) -> bool:
    sentence_end = re.search(r"[。！!？?\n]", text[end:])
    return bool(_THESE_DENIED.search(text[end:end + sentence_end.start() if sentence_end else len(text)]))


# "不是大数据/人工智能骨干企业": the denial covers each alternative of a slash.
_ALTERNATIVE_BEFORE = re.compile(r"(?:(?![不没未非无])[\u4e00-\u9fffA-Za-z]){1,6}[/／]$")
_TAKEN_BACK = re.compile(r"^[，,]\s*(?:但是?|不过|可是|只是)[^，,。；;]{0,4}(?:还|尚)?(?:没有|没|未)"
                         r"(?:毕业|拿到|获得|评上|通过|授予|下来|取得|批下来|获奖|得奖)(?:奖|奖项|名次|证书|学位)?"
                         r"[的了呢啊]*(?:[，,。；;！!]|$)")


_ANSWERED_NO = re.compile(r"^\s*(?:不是|没有|不|并不是|否|都不是)[的啊呢哦]?\s*(?:" + CLAUSE_BREAK + "|$)")


# Applying for something, or about to, is not holding it: "正在申请正高职称", "申报过机器人骨干企业".
# Taking part in a contest is not winning it: "参加过省级技能大赛".
_NOT_YET_BEFORE = re.compile(r"(参加过|参加了|参赛过|参与过|申报过|申请过|正在申请|正在申报|在申请|在申报|准备申请|准备申报|打算申请|打算申报|想申请|"
                             r"想评|正在评|参评|在评|争取|希望|计划|将要|即将|快要|还差|差一点|差点|险些|报名了|报名参加|报了名|报过名|报名|"
                             r"本来要|原本要|本想|想读|要读)[^，,。；;]{0,6}$")


def not_yet_held(text: str, start: int, end: int) -> bool:
    """Whether the title or qualification at text[start:end] is only applied for or hoped for."""
    left, _right = clause_bounds(text, start, end)
    return bool(_NOT_YET_BEFORE.search(text[left:start]))


# --- yes and no --------------------------------------------------------------------------

_FILLER = r"[。！!啊呀的了呢哈嘛吧哦噢～~\s]*"
_YES = re.compile(r"^(?:是|是的|对|对的|有|有的|满足|符合|具备|嗯+|好|好的|没错|当然|确定|确实|肯定|yes|ok|对头|"
                  r"是滴|有滴|没问题|可以|都满足|都符合|都有|都是|都具备|全部满足|全都满足|全部符合|全满足|"
                  r"满足的|符合的|是这样|是啊|对啊)" + _FILLER + "$", re.IGNORECASE)
_NO = re.compile(r"^(?:不是|否|不|没有|没|无|不满足|不符合|不具备|都不是|都没有|都不满足|都不符合|还没有|暂时没有|"
                 r"没有的|一个都没有|一项都没有|啥都没有|什么都没有|都没|全都没有|全没有|都不|不对|no|"
                 r"没有了|没了|没有别的了|没有其他的了|没有其他了|没别的了|没其他的了|其他没有了|其他的没有了|"
                 r"别的没有了|就这些|就这些了|就这么多|就这个|只有这些|只有这个|没有其它的了|没有其它了|"
                 r"不是的|没有呢|暂无|无了|一个也没有|都没有的)" + _FILLER + "$", re.IGNORECASE)
_LEADING_YES = re.compile(r"^(?:是的?|对的?|有的?|嗯+|没错|当然|确实|符合|满足)[，,。.！!\s]")
_LEADING_NO = re.compile(r"^(?:不是|没有|否|不对|不符合|不满足|都没有)[，,。.！!\s]")


def yes_no(text: str, intent: Optional[str] = None) -> Optional[bool]:
    """A yes/no answer: the words themselves, alone or leading the message ("是的，在白云区"),
    else the classifier's affirm/deny."""
    stripped = re.sub(r"[\s，,。.!！?？~～]", "", text)
    if _NO.match(stripped) or _LEADING_NO.match(text.strip()):
        return False
    if _YES.match(stripped) or _LEADING_YES.match(text.strip()):
        return True
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    return None


def says_all(text: str) -> bool:
    """"都满足", "全部都有": the answer covers every item of a list."""
    return bool(re.search(r"(都|全部|全都|均|全)(满足|符合|具备|有|是|没问题)", text)) and not re.search(
        r"(都|全部|全都|均|全)(不|没)", text)


# Whose a clause is. A clause that opens with another person ("我老婆是正高级职称", "他是第一大股东",
# "我们老板是…的负责人") is theirs, and so is each clause after it that names no subject of its
# own ("…，还拿国务院特殊津贴的"); a clause that opens with 我 / 本人 (not 我老婆, 我们老板) is the
# speaker's again, and one that opens with the company or the school names the case, not a person.
RELATION = (r"(?:老婆|老公|妻子|丈夫|爱人|太太|媳妇|孩子|儿子|女儿|父亲|母亲|爸爸|妈妈|老爸|老妈|爸|妈|父母|岳父|岳母|"
             r"公公|婆婆|同事|朋友|同学|领导|上司|导师|老板|老总|合伙人|家人|亲戚|哥哥|姐姐|弟弟|妹妹|家属|对象)")
_LEAD = r"(?:而且|并且|还有|另外|但是?|不过|可是|其实|就是|那)?"
_OTHER_OPENS = re.compile(_LEAD + r"(?:(?:我的?|我们的?|我家的?|我们家的?|公司的?|单位的?)?" + RELATION
                          + r"|他们?|她们?|对方|别人|人家)们?(?!是我|就是我|也是我)")
_OWN_OPENS = re.compile(_LEAD + r"(?:我|本人|自己)(?!的?" + RELATION + r"|们的?" + RELATION + r"|家)")
_CASE_OPENS = re.compile(_LEAD + r"(?:我们|咱们)?(?:公司|单位|企业|学校|院校|工厂|厂|产品|项目|研究院|医院|机构|团队)")
# "公司是我爸创办的": a clause naming another person as the one who did or holds it.
_OTHER_INSIDE = re.compile(r"(?:我的?|我们的?|我家的?)" + RELATION + r"(?:一个人)?(?:创办|创立|开|办|成立|持有|控股|拿|获得|评上|是)")


# The same for an organisation speaking: "我们母公司是省级机器人骨干企业，我们是它在东莞的子公司".
OTHER_ORGANISATION = (r"(?:母公司|总公司|集团总部|集团公司|上级单位|上级公司|主管单位|控股股东|控股公司|子公司|分公司|"
                       r"兄弟公司|兄弟单位|关联公司|合作方|合作单位|客户|供应商|股东单位|投资方|投资人|投资机构|投资公司|股东)")
_OTHER_ORG_OPENS = re.compile(_LEAD + r"(?:我们的?|我司的?|本公司的?|我们公司的?|我们单位的?)?" + OTHER_ORGANISATION
                              + r"(?!是我们|就是我们)")
_OWN_ORG_OPENS = re.compile(_LEAD + r"(?:我们|我司|本公司|本单位|我单位|咱们)(?!的?" + OTHER_ORGANISATION + ")")


def other_organisations_clauses(text: str) -> list:
    """(start, end) of the clauses about an organisation other than the one speaking."""
    return _clauses_of(text, _OTHER_ORG_OPENS, _OWN_ORG_OPENS, None, _OWN_OPENS)


def others_clauses(text: str) -> list:
    """(start, end) of the clauses of `text` about someone other than the speaker."""
    return _clauses_of(text, _OTHER_OPENS, _OWN_OPENS, _OTHER_INSIDE, _CASE_OPENS)


def _clauses_of(text: str, other_opens, own_opens, other_inside, *resets) -> list:
    spans, theirs = [], False
    left = 0
    for end in [m.start() for m in re.finditer(r"[，,。；;！!？?\n、]", text)] + [len(text)]:
        clause = text[left:end].strip()
        if other_opens.match(clause):
            theirs = True
        elif own_opens.match(clause) or any(reset.match(clause) for reset in resets):
            theirs = False
        if theirs or (other_inside is not None and other_inside.search(clause)):
            spans.append((left, end))
        left = end + 1
    return spans
