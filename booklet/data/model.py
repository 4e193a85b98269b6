"""The data model: what a street office keeps in data/, declared once.

Each field's docstring is its help text; the words before the first 「，」 are the field's
Chinese name in error messages, so keep that first phrase short.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from booklet.data.phones import Kind, Phone, PhoneField
from booklet.data.text import halfwidth

# --- field types ----------------------------------------------------------------------------

_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_MARKUP = re.compile(r"[<>&]")
AREA_CODE = r"^0\d{2,3}$"


def _check_id(value: str) -> str:
    hidden = [c for c in value if unicodedata.category(c) in ("Cc", "Cf")]
    if hidden:
        raise PydanticCustomError(
            "booklet", "编号「{value}」里有看不见的字符 U+{code}，请删掉",
            {"value": value.translate({ord(c): None for c in hidden}), "code": f"{ord(hidden[0]):04X}"})
    if not _ID.fullmatch(value):
        raise PydanticCustomError(
            "booklet", "编号「{value}」只能用小写英文字母、数字、- 和 _，且以字母或数字开头",
            {"value": value},
        )
    return value


def _check_name(value: str) -> str:
    if _MARKUP.search(value):
        raise PydanticCustomError(
            "booklet", "「{value}」含有 <、>、& 等标记符号，名称只能是纯文字", {"value": value}
        )
    return value


_YES = {"是", "有", "true", "yes", "y", "on", "1"}
_NO = {"否", "无", "false", "no", "n", "off", "0"}


def yes_no(value: Any) -> Any:
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise PydanticCustomError("booklet", "「{value}」应为 是 或 否", {"value": value})
    return value


_FREE = {"无", "免费", "0", "0元", "零", "不收费"}


def _fee(value: str | None) -> str | None:
    # Guides must say 不收费; "无" reads as "no information" to a resident. Left empty, the
    # guide did not say: unknown, not free.
    if value is None or not value.strip():
        return None
    return "不收费" if value.strip() in _FREE else value


# What a clerk writes for an item that needs no papers at all.
_NO_MATERIALS = {"无需材料", "无需提交材料", "不需要材料", "无需提供材料", "无"}


def _unknown_if_empty(value: Any) -> Any:
    """A list written empty (`conditions: []`) says nothing, as if it were not written."""
    return None if value == [] else value


def _materials(value: Any) -> Any:
    """`materials: 无需材料` is the data saying so: an empty list. An empty list as written
    (`materials: []`), like no `materials` at all, says nothing: unknown (None)."""
    if isinstance(value, str):
        if value.strip() in _NO_MATERIALS:
            return []
        raise PydanticCustomError("booklet", "申请材料请逐条列出；确实不需要任何材料的写「无需材料」")
    return _unknown_if_empty(value)


def _whole_number(value: Any) -> Any:
    # Python's int() also takes "3_0" and " 30 "; a clerk means digits, perhaps full-width.
    if isinstance(value, str):
        digits = halfwidth(value.strip())
        if not re.fullmatch(r"\d+", digits):
            raise PydanticCustomError("booklet", "「{value}」应为整数，请用阿拉伯数字写，如 3", {"value": value})
        if len(digits) > 9:  # no count here runs to a billion; Python refuses past 4,300 digits
            raise PydanticCustomError("booklet", "「{value}」这个数太大了", {"value": value})
        return int(digits)
    return value


def _date(value: Any) -> Any:
    # Pydantic would also take 0 or 86400 (seconds since 1970) and "20261101".
    if isinstance(value, str):
        text = halfwidth(value.strip())
        if not re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            raise PydanticCustomError("booklet", "「{value}」不是有效日期，请写作 2026-11-01", {"value": value})
        year, month, day = (int(part) for part in text.split("-"))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            raise PydanticCustomError("booklet", "「{value}」不是有效日期，请写作 2026-11-01",
                                      {"value": value}) from None
    return value


@dataclass(frozen=True)
class PaperSize:
    width_mm: float
    height_mm: float

    def __str__(self) -> str:
        return f"{self.width_mm:g}×{self.height_mm:g} 毫米"


_PAPERS = {"A3": (297, 420), "A4": (210, 297), "A5": (148, 210)}
_LANDSCAPE = {"横版", "横向", "横", "landscape", ""}
_PORTRAIT = {"竖版", "竖向", "竖", "portrait"}
_PORTRAIT_REFUSED = "尺寸「{value}」是竖版：便民身份证的版式是横版的，请用「A4 横版」「A5 横版」或宽大于高的尺寸"


def parse_paper_size(value: Any) -> Any:
    """A door plate's size: 「A4 横版」, 「A5」 (landscape unless 竖版 is said) or 「200×100」
    (millimetres, width × height). The plate's design is landscape: portrait is refused."""
    if not isinstance(value, str):
        return value
    text = halfwidth(value.strip())
    if found := re.fullmatch(r"(\d+(?:\.\d+)?)\s*[x×*X]\s*(\d+(?:\.\d+)?)\s*(?:mm|毫米)?", text):
        width, height = float(found.group(1)), float(found.group(2))
        if not (90 <= width <= 420 and 54 <= height <= 420):
            raise PydanticCustomError("booklet", "尺寸「{value}」不合适：宽和高应在 90×54 到 420×420 毫米之间",
                                      {"value": value})
        if height > width:
            raise PydanticCustomError("booklet", _PORTRAIT_REFUSED, {"value": value})
        return PaperSize(width, height)
    if found := re.fullmatch(r"(A[345])\s*(\S*)", text, re.IGNORECASE):
        short, long = _PAPERS[found.group(1).upper()]
        orientation = found.group(2).lower()
        if orientation in _LANDSCAPE:
            return PaperSize(long, short)
        if orientation in _PORTRAIT:
            raise PydanticCustomError("booklet", _PORTRAIT_REFUSED, {"value": value})
    raise PydanticCustomError(
        "booklet", "尺寸「{value}」看不懂：请写「A4 横版」「A5 横版」或「200×100」（毫米，宽×高）", {"value": value})


Text = Annotated[str, Field(min_length=1)]
Id = Annotated[str, AfterValidator(_check_id)]
Name = Annotated[str, Field(min_length=1), AfterValidator(_check_name)]
YesNo = Annotated[bool, BeforeValidator(yes_no)]
Count = Annotated[int, BeforeValidator(_whole_number)]
Days = Annotated[Count, Field(ge=1, le=365)]


def _web_address(value: Any) -> Any:
    # An address a phone's camera opens from a QR code: http(s), with a host, no spaces.
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s]*)?", text):
            raise PydanticCustomError("booklet", "「{value}」不是完整的网址，应以 http:// 或 https:// 开头",
                                      {"value": value})
        return text
    return value


WebAddress = Annotated[str, BeforeValidator(_web_address)]
Date = Annotated[datetime.date, BeforeValidator(_date)]
Paper = Annotated[PaperSize, BeforeValidator(parse_paper_size)]
Mobile = Annotated[Phone, PhoneField(Kind.MOBILE)]
AnyPhone = Annotated[Phone, PhoneField(Kind.MOBILE, Kind.LANDLINE)]
ServiceNumber = Annotated[Phone, PhoneField(Kind.MOBILE, Kind.LANDLINE, Kind.SHORT, Kind.SERVICE)]


class Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )


# --- org.yaml -------------------------------------------------------------------------------


class Edition(Record):
    number: Annotated[Count, Field(ge=1, le=999)]
    """版次，如 1 表示第 1 版。"""
    date: Date
    """版次日期，写作 2026-11-01；也是 PDF 的创建日期。"""


class Supervision(Record):
    name: Name = "作风办"
    """监督机构名称，如「街道作风办」「效能办」。"""
    phone: ServiceNumber
    """监督投诉电话，印在封面、每块便民身份证和每张联系卡上。"""
    address: str | None = None
    """监督机构地址，可不填。"""


class Channels(Record):
    secretary_mailbox: str | None = None
    """书记信箱，写信箱所在位置，如「街道办事处大门左侧」。"""
    mail_address: str | None = None
    """来信地址，含邮编。"""
    email: str | None = None
    """电子邮箱。"""
    wechat: str | None = None
    """微信公众号。"""
    weibo: str | None = None
    """微博账号。"""
    website: str | None = None
    """网站地址。"""
    hotline: ServiceNumber = Phone("12345", "12345", Kind.SHORT)
    """政务服务便民热线，默认 12345。"""

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[\w.+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", value, re.ASCII):
            raise PydanticCustomError("booklet", "「{value}」不是有效的电子邮箱", {"value": value})
        return value


class Category(Record):
    name: Name
    """分类名称，如「社会救助」；一本通按此顺序分章。"""
    intro: str | None = None
    """分类简介，印在该章开头，可不填。"""


class Editions(Record):
    reading: YesNo = True
    """阅读版，「便民服务一本通.pdf」，逐页排列，在屏幕上看或送打印店；不要的填 否。"""
    print_copy: YesNo = True
    """印刷版，「便民服务一本通-印刷版.pdf」，已拼好骑马订，用 A4 双面打印机印；不要的填 否。"""
    large_print: YesNo = False
    """大字版，「便民服务一本通-大字版.pdf」，A4 大字，给老年人；要印的填 是。"""
    plates: YesNo = True
    """便民身份证，每个站所一个 PDF，每人一页；不要的填 否。"""
    cards: YesNo = True
    """联系卡，每个站所一个 PDF，每张 A4 排 10 张；不要的填 否。"""
    card_qr: Literal["tel", "vcard"] = "tel"
    """联系卡二维码，tel（扫码拨号，默认）或 vcard（扫码把联系人存入通讯录）。"""
    card_copies: Annotated[Count, Field(ge=1, le=100)] = 10
    """联系卡份数，每人印几张，默认 10（一人一整张 A4）。"""
    web: YesNo = True
    """手机版，「网页版」文件夹里的网页，可放到网站或公众号上，也可直接打开；不要的填 否。"""


class Org(Record):
    name: Name
    """单位名称，街道（乡镇）的名称，如「云溪街道办事处」。"""
    region: str | None = None
    """所属地区，如「示例市云溪区」，印在封面。"""
    address: Text
    """办公地址。"""
    postcode: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None
    """邮政编码，6 位数字。"""
    area_code: Annotated[str, Field(pattern=AREA_CODE)] | None = None
    """长途区号，如 0571；写固定电话时省略区号的，自动补上。"""
    edition: Edition
    """版次与日期。"""
    hall_hours: Text
    """大厅办公时间，便民服务大厅的办公时间，站所未写办公时间的以此为准。"""
    hall_phone: AnyPhone | None = None
    """大厅咨询电话，便民服务大厅的咨询电话。"""
    supervision: Supervision
    """作风监督与投诉。"""
    channels: Channels = Field(default_factory=Channels)
    """其他联系渠道：书记信箱、邮箱、微信、微博、12345。"""
    remedy: str | None = None
    """救济途径，如「对办理结果不服的，可依法申请行政复议或提起行政诉讼」。"""
    web_url: WebAddress | None = None
    """手机版网址，单位把「网页版」文件夹放到网站上后的地址，以 https:// 开头；写了，一本通封底和使用说明页
    印一个扫码打开手机版的二维码。"""
    categories: Annotated[list[Category], Field(min_length=1)]
    """事项分类，按印刷顺序排列。"""
    life_events: list[Name] = []
    """人生大事（一件事），如 出生、上学、退役、身后事，按印刷顺序排列；各事项的「人生大事」标注，
    一本通书后「按人生大事查找」按此列出。"""
    plate_size: Paper = PaperSize(297, 210)
    """门牌尺寸，便民身份证（门牌）的尺寸：「A4 横版」（默认）、「A5 横版」或「200×100」（毫米，宽×高）。"""
    editions: Editions = Field(default_factory=Editions)
    """要印的版本：make booklet 每次都把这里要的版本更新到最新。"""


# --- stations.yaml --------------------------------------------------------------------------


class Station(Record):
    id: Id
    """站所编号，小写字母和数字，如 minzheng。"""
    name: Name
    """站所名称，如「民政办」。"""
    room: Text
    """办公地点，房间号或窗口，如「便民服务大厅 3 号窗口」。"""
    hours: str | None = None
    """办公时间，不填则同便民服务大厅。"""
    phone: AnyPhone | None = None
    """站所办公电话。"""
    remit: Text
    """一句话职责，印在站所目录。"""


# --- cadres.yaml ----------------------------------------------------------------------------


class Cadre(Record):
    id: Id
    """干部编号，小写字母和数字，如 zhangsan；用作便民身份证的文件名。"""
    name: Name
    """姓名。"""
    pinyin: Annotated[str, Field(pattern=r"^[a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü ]+$")] | None = None
    """姓名拼音，仅多音字姓氏（单 shan、曾 zeng、解 xie、覃 qin）需要写，用于排序。"""
    station: Id
    """所在站所，填站所编号（见站所表），也可填站所名称。"""
    post: Text
    """职务，如「民政助理员」。"""
    duties: Annotated[list[Text], Field(min_length=1)]
    """工作职责，每条一行。"""
    mobile: Mobile | None = None
    """手机号码。"""
    office_phone: AnyPhone | None = None
    """办公电话。"""
    photo: str | None = None
    """照片，data/ 下的路径，如 photos/zhangsan.jpg；没有照片可不填。"""
    order: Count | None = None
    """排列顺序，在本站所中数字小的在前；不填按文件中的顺序。"""

    @property
    def dial(self) -> Phone:
        """The number a resident's QR code calls: the mobile reaches the person wherever they are."""
        return self.mobile or self.office_phone

    @model_validator(mode="after")
    def _reachable(self) -> Cadre:
        if self.mobile is None and self.office_phone is None:
            raise PydanticCustomError("booklet", "手机号码（mobile）和办公电话（office_phone）至少要填一个")
        return self


# --- services/*.yaml ------------------------------------------------------------------------


class Material(Record):
    name: Text
    """材料名称，如「居民身份证」。"""
    kind: Literal["原件", "复印件", "原件及复印件", "电子"] | None = None
    """材料类型：原件、复印件、原件及复印件 或 电子；办事指南没写的不写。"""
    count: Annotated[Count, Field(ge=1, le=99)] | None = None
    """份数，与材料类型一起写，如材料类型「原件及复印件」、份数 3；办事指南没写份数的不写。"""
    unit: Annotated[str, Field(min_length=1, max_length=2)] = "份"
    """份数的单位，默认「份」，按张计的写「张」。"""
    originals: Annotated[Count, Field(ge=0, le=99)] = 0
    """原件份数，与复印件份数不同时用原件份数和复印件份数，不写材料类型和份数。"""
    copies: Annotated[Count, Field(ge=0, le=99)] = 0
    """复印件份数。"""
    verify_original: YesNo = False
    """验原件，验原件、收复印件的填 是。"""
    form: Literal["纸质", "电子", "纸质或电子"] = "纸质"
    """材料形式：纸质、电子 或 纸质或电子。"""
    required: YesNo = True
    """是否必需，填 否 表示视情况提供。"""
    source: str | None = None
    """材料来源，即由谁出具，如「村（社区）居委会」「申请人自备」。"""
    sample: str | None = None
    """示范文本，示范文本或空白表格在哪里取，如「窗口领取，或在示例市政务服务网下载」。"""
    note: str | None = None
    """备注，如填写要求。"""

    @model_validator(mode="after")
    def _one_way_of_counting(self) -> Material:
        if (self.kind is not None or self.count is not None) and (self.originals or self.copies):
            raise PydanticCustomError(
                "booklet", "份数用材料类型（kind）和份数（count）写，或用原件份数（originals）和复印件份数（copies）写，不要两种同时写")
        if self.count is not None and self.kind is None:
            raise PydanticCustomError("booklet", "写了份数（count），请用材料类型（kind）写明是原件还是复印件")
        return self


class Stage(Record):
    name: Text
    """环节或机关，如「街道审核」「区民政局审批」。"""
    days: Days
    """环节时限，这一段的时限，天数（单位同整个时限）。"""


class ChannelLimit(Record):
    channel: Text
    """办理渠道，如「窗口」「网上」。"""
    immediate: YesNo = False
    """当场办结，这个渠道当场办结的填 是。"""
    days: Days | None = None
    """渠道时限，这个渠道的时限，天数。"""

    @model_validator(mode="after")
    def _said(self) -> ChannelLimit:
        if not self.immediate and self.days is None:
            raise PydanticCustomError("booklet", "请写渠道时限（days）的天数，或填当场办结（immediate）：是")
        return self


class TimeLimit(Record):
    immediate: YesNo = False
    """即办件，当场办结的填 是。"""
    statutory_days: Days | None = None
    """法定办结时限，天数（单位见「时限的单位」）。"""
    promised_days: Days | None = None
    """承诺办结时限，天数（单位见「时限的单位」）。"""
    days: Days | None = None
    """办理时限，办事指南只写「办理时限」、不分法定和承诺的，写在这里。"""
    unit: Literal["工作日", "自然日"] = "工作日"
    """时限的单位：工作日，或法律按日计算的写 自然日（如身份证 60 日）。"""
    stages: list[Stage] = []
    """分段时限，如街道审核 15 天、区里审批 10 天，按先后写。"""
    channels: list[ChannelLimit] = []
    """各渠道时限，各渠道时限不同的，如窗口即办、网上 1 个工作日，逐个写。"""
    note: str | None = None
    """时限说明，如「不含公示时间」。"""

    @model_validator(mode="after")
    def _consistent(self) -> TimeLimit:
        if self.immediate and (self.promised_days is not None or self.days is not None):
            raise PydanticCustomError("booklet", "即办件不应再写承诺办结时限（promised_days）或办理时限（days）")
        if self.days is not None and (self.promised_days is not None or self.statutory_days is not None):
            raise PydanticCustomError(
                "booklet", "办理时限（days）用于不分法定、承诺的时限；已写承诺办结时限（promised_days）或法定办结时限（statutory_days）的不写办理时限")
        if not (self.immediate or self.channels) and self.promised_days is None and self.statutory_days is None \
                and self.days is None:
            raise PydanticCustomError(
                "booklet", "请写承诺办结时限（promised_days）或法定办结时限（statutory_days）的天数，或填即办件（immediate）：是；"
                           "办事指南没有写时限的，整个办结时限（time_limit）不写")
        return self


class SpecialStep(Record):
    name: Text
    """环节名称，如「公示」「专家评审」「入户调查」。"""
    days: Days | None = None
    """所需天数，单位同办结时限。"""
    counted: YesNo | None = None
    """是否计入办结时限：是 或 否；办事指南没写的不写。"""


class Question(Record):
    q: Text
    """问题。"""
    a: Text
    """回答。"""


class Service(Record):
    id: Id
    """事项编号，小写字母和数字，如 dibao。"""
    name: Name
    """事项名称，如「最低生活保障申请」。"""
    aliases: list[Name] = []
    """俗称，如「低保」；印在索引里，方便按俗称查找。"""
    category: Text
    """事项分类，须是事项分类（org.yaml 的 categories）中的一个。"""
    life_events: list[Name] = []
    """人生大事，事项涉及的人生大事，须是单位的人生大事（org.yaml 的 life_events）之一，可写多个，如 出生、结婚生育。"""
    station: Id
    """受理站所，填站所编号，也可填站所名称。"""
    authority: str | None = None
    """实施主体，即决定机关，如「示例市云溪区民政局」；街道受理、区里审批的写上，不填则为本街道。"""
    handlers: Annotated[list[Id], Field(min_length=1)]
    """经办人，填干部编号，第一位是主要经办人。"""
    summary: str | None = None
    """事项简介。"""
    conditions: Annotated[list[Text] | None, BeforeValidator(_unknown_if_empty)] = None
    """受理条件，每条一行；办事指南没写的不写，一本通印「请电话咨询」。"""
    materials: Annotated[list[Material] | None, BeforeValidator(_materials)] = None
    """申请材料，逐条列出；不需要任何材料的写「无需材料」；办事指南没写的不写，一本通印「请电话咨询」。"""
    steps: Annotated[list[Text] | None, BeforeValidator(_unknown_if_empty)] = None
    """办理流程，每步一行；办事指南没写的不写。"""
    time_limit: TimeLimit | None = None
    """办结时限；办事指南没写的不写，一本通印「请电话咨询」。"""
    fee: Annotated[str | None, AfterValidator(_fee)] = None
    """收费标准，不收费的写「不收费」；办事指南没写的不写，一本通印「请电话咨询」，不当作不收费。"""
    place: str | None = None
    """办理地点，不填则为受理站所的办公地点。"""
    hours: str | None = None
    """办理时间，不填则为受理站所的办公时间。"""
    basis: list[Text] = []
    """设定依据，法规或文件名称。"""
    proxy: YesNo = False
    """是否可代办，可代办填 是。"""
    proxy_note: str | None = None
    """代办说明，如「村（社区）代办员可上门代办」。"""
    online: str | None = None
    """网上办理渠道，如「示例市政务服务网“社会救助”专区」。"""
    online_url: WebAddress | None = None
    """网上办理网址，以 https:// 开头；一本通印一个扫码打开它的二维码。"""
    handling_type: Literal["即办件", "承诺件"] | None = None
    """办件类型：即办件 或 承诺件。"""
    visits: Annotated[Count, Field(ge=0, le=9)] | None = None
    """跑动次数，到办事现场的次数，如「最多跑一次」写 1，全程网办写 0。"""
    accepting: str | None = None
    """受理时段，只在某些日子受理的写，如「每月 1 日至 20 日」。"""
    special_steps: list[SpecialStep] = []
    """特殊环节，如公示、专家评审，及其时间、是否计入时限。"""
    result: str | None = None
    """办理结果，如「《最低生活保障证》」「批准文书」。"""
    delivery: str | None = None
    """送达方式，办理结果的送达方式，如「窗口领取」「邮寄」。"""
    consult_phone: ServiceNumber | None = None
    """咨询电话，不写则印受理站所的办公电话。"""
    complaint_phone: ServiceNumber | None = None
    """投诉电话，不写则印单位的监督投诉电话。"""
    faq: list[Question] = []
    """常见问题，每条一问一答（q、a）。"""
    notes: list[Text] = []
    """温馨提示。"""
    source: WebAddress | None = None
    """指南出处网址，办事指南的出处，供核对，不印在一本通上。"""


# The elements of a published service guide that a household acts on, in the guide's order:
# the field that holds each, its name, and whether the booklet, where the data does not give
# it, tells the household to ask (a household needs to know it) or prints nothing.
GUIDE_ELEMENTS = (
    ("conditions", "受理条件", True),
    ("materials", "申请材料", True),
    ("steps", "办理流程", False),
    ("time_limit", "办结时限", True),
    ("fee", "收费标准", True),
    ("basis", "设定依据", False),
)


def missing_elements(service: Service) -> list[tuple[str, str, bool]]:
    """The GUIDE_ELEMENTS that `service`'s data does not give (`materials: []`, 无需材料, gives them)."""
    return [(field, name, ask) for field, name, ask in GUIDE_ELEMENTS
            if getattr(service, field) is None or (getattr(service, field) == [] and field != "materials")]


# --- one file each --------------------------------------------------------------------------


class StationsFile(Record):
    stations: Annotated[list[Any], Field(min_length=1)]
    """站所列表。"""


class CadresFile(Record):
    cadres: Annotated[list[Any], Field(min_length=1)]
    """干部列表。"""


class ServicesFile(Record):
    services: Annotated[list[Any], Field(min_length=1)]
    """服务事项列表。"""


def label(model: type[BaseModel], field: str) -> str:
    """The short Chinese name of a field, taken from its docstring."""
    info = model.model_fields.get(field)
    if info is None or not info.description:
        return field
    return re.split(r"[，。,：；]", info.description, maxsplit=1)[0]
