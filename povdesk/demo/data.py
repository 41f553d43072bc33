"""Name tables and small pure helpers the demo county draws from (domain.md §6.3); all invented."""

from __future__ import annotations

import random

#: Yi clan surnames (家支): attested ones first (domain.md §6.3 [M]), then common ones [L].
YI_SURNAMES: tuple[str, ...] = (
    "沙马", "曲比", "乃保", "阿约", "吉木", "阿力", "吉克", "阿黑", "阿措", "拖觉", "阿苦", "阿子",
    "嘿哈", "火布", "吉斯", "曲木", "吉子", "马海", "阿鲁", "贾巴", "黑来", "阿伙", "吉尔",
    "阿苏", "海来", "俄木", "勒格", "阿的", "马黑", "俄底", "瓦扎", "木乃", "日火", "吉伍", "依火",
    "阿尔",
)
YI_MALE_GIVEN: tuple[str, ...] = (
    "拉则", "日哈", "尔古", "木呷", "伍呷", "阿木", "石哈", "伍各", "牛牛", "日格", "牛日", "木果",
    "拉哈", "尔布", "伍沙", "阿牛", "子哈", "日布", "石布", "拉博", "依哈", "曲哈", "木哈", "阿且",
)
YI_FEMALE_GIVEN: tuple[str, ...] = (
    "阿呷莫", "史布莫", "有果莫", "阿依莫", "日吉莫", "阿果", "阿芝", "阿呷", "伍果莫", "阿衣",
    "曲莫", "尔果莫", "阿西莫", "日果莫", "阿妞", "子莫", "石莫", "拉莫",
)

HAN_SURNAMES: tuple[str, ...] = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "罗", "何", "胡", "谢", "邓", "曾",
    "郭", "徐", "彭", "唐", "蒋", "袁", "钟", "冯", "田", "付", "杜", "雷", "龙", "苟", "邹", "熊",
)
HAN_MALE_GIVEN: tuple[str, ...] = (
    "德明", "国强", "建华", "志勇", "永福", "明", "军", "林", "勇", "华", "学文", "家富", "光荣",
    "正伟", "世平", "长春", "宇航", "浩然", "子豪", "俊杰", "文斌", "小龙", "永贵", "天福",
)
HAN_FEMALE_GIVEN: tuple[str, ...] = (
    "秀英", "桂兰", "淑芬", "玉梅", "丽", "芳", "敏", "静", "小红", "春梅", "晓燕", "雨欣",
    "梓涵", "欣怡", "思琪", "慧", "秀珍", "明霞", "艳", "婷",
)

#: Syllables the invented village names are made of (the villages are not real, domain.md §6.2).
YI_VILLAGE_PARTS: tuple[str, ...] = (
    "阿洛", "瓦曲", "拉里", "觉莫", "依达", "尔布", "洛觉", "比尔", "吉拉", "瓦普", "马依", "博洛",
    "甲谷", "乃托", "尼觉", "阿普", "尔吉", "卡莫", "日达", "合作", "瓦吉", "斯足", "洛莫", "则木",
)
HAN_VILLAGE_PARTS: tuple[str, ...] = (
    "青杠", "大河", "新华", "团结", "石板", "龙泉", "柏香", "桃园", "新田", "凉风", "三元", "和平",
    "白果", "水井", "黄桷", "高峰", "红岩", "双龙", "兴隆", "民主", "大湾", "岩门", "坪上", "茶园",
)

GROUP_NUMERALS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

#: County units that send assistance cadres (帮扶单位); all public office names, people invented.
COUNTY_UNITS: tuple[str, ...] = (
    "雷波县委办公室", "雷波县人民政府办公室", "雷波县发展和改革局", "雷波县教育局", "雷波县财政局",
    "雷波县人力资源和社会保障局", "雷波县自然资源局", "雷波县住房和城乡建设局", "雷波县交通运输局",
    "雷波县水利局", "雷波县农业农村局", "雷波县卫生健康局", "雷波县民政局", "雷波县林业和草原局",
    "雷波县扶贫开发局", "雷波县公安局", "雷波县市场监督管理局", "雷波县统计局", "雷波县审计局",
    "雷波县残疾人联合会", "雷波县供销合作社", "雷波县人民医院", "雷波县农村信用合作联社",
)

#: (category code, item, unit, quantity range, yuan per unit, implementer)
MEASURE_ITEMS: dict[str, tuple[tuple[str, str, tuple[int, int], int, str], ...]] = {
    "01": (
        ("发放种羊", "只", (2, 8), 600, "雷波县农业农村局"),
        ("发放仔猪", "头", (2, 5), 500, "雷波县农业农村局"),
        ("马铃薯良种", "公斤", (100, 400), 3, "雷波县农业农村局"),
        ("花椒种植", "亩", (1, 5), 400, "雷波县林业和草原局"),
        ("核桃种植", "亩", (1, 4), 350, "雷波县林业和草原局"),
        ("发放鸡苗", "只", (20, 60), 15, "乡人民政府"),
        ("肉牛养殖", "头", (1, 2), 3000, "雷波县农业农村局"),
    ),
    "02": (
        ("转移就业交通补贴", "人", (1, 2), 300, "雷波县人力资源和社会保障局"),
        ("建筑技能培训", "人", (1, 1), 1200, "雷波县人力资源和社会保障局"),
        ("劳务输出组织", "人", (1, 2), 500, "雷波县人力资源和社会保障局"),
    ),
    "05": (
        ("义务教育营养改善计划", "人", (1, 1), 800, "雷波县教育局"),
        ("免除学杂费及教科书费", "人", (1, 1), 600, "雷波县教育局"),
        ("高中（中职）助学金", "人", (1, 1), 2000, "雷波县教育局"),
        ("学前教育保教费减免", "人", (1, 1), 900, "雷波县教育局"),
    ),
    "06": (
        ("家庭医生签约服务", "人", (1, 1), 0, "雷波县卫生健康局"),
        ("住院费用报销", "次", (1, 3), 2500, "雷波县卫生健康局"),
        ("大病医疗救助", "次", (1, 1), 3000, "雷波县民政局"),
    ),
    "07": (
        ("扶贫小额信贷", "万元", (3, 5), 10000, "雷波县农村信用合作联社"),
    ),
    "08": (
        ("退耕还林补助", "亩", (1, 6), 200, "雷波县林业和草原局"),
    ),
    "09": (
        ("农村最低生活保障", "人", (1, 6), 1500, "雷波县民政局"),
        ("特困人员供养", "人", (1, 2), 4800, "雷波县民政局"),
    ),
    "10": (
        ("残疾人两项补贴", "人", (1, 1), 960, "雷波县残疾人联合会"),
        ("残疾人辅具适配", "件", (1, 1), 800, "雷波县残疾人联合会"),
    ),
    "11": (
        ("入户路硬化", "米", (30, 200), 80, "雷波县交通运输局"),
        ("安全饮水入户", "户", (1, 1), 1500, "雷波县水利局"),
        ("户户通广播电视", "户", (1, 1), 400, "乡人民政府"),
    ),
    "03": (
        ("易地扶贫搬迁住房补助", "平方米", (25, 150), 1200, "雷波县扶贫开发局"),
    ),
    "04": (
        ("彝家新寨（危房改造）补助", "户", (1, 1), 25000, "雷波县住房和城乡建设局"),
    ),
}

WORK_COMPANIES: tuple[str, ...] = (
    "东莞某电子厂", "成都某建筑公司", "宁波某服装厂", "西昌某劳务公司", "雷波县某脐橙合作社",
    "宜宾某建材公司", "福建某鞋厂", "昆明某物流公司",
)


def chinese_numeral(n: int) -> str:
    """1..99 in Chinese numerals (一, 十一, 二十三): villager groups are named 一组, 十二组."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else GROUP_NUMERALS[tens - 1] + "十")
    return head + (GROUP_NUMERALS[ones - 1] if ones else "")


def group_name(n: int) -> str:
    return f"{chinese_numeral(n)}组"


def yi_name(rng: random.Random, surname: str, male: bool) -> str:
    return surname + rng.choice(YI_MALE_GIVEN if male else YI_FEMALE_GIVEN)


def han_name(rng: random.Random, surname: str, male: bool) -> str:
    return surname + rng.choice(HAN_MALE_GIVEN if male else HAN_FEMALE_GIVEN)


def village_names(rng: random.Random, count: int, *, yi: bool) -> list[str]:
    """`count` distinct invented village names (…村) for one township."""
    parts = YI_VILLAGE_PARTS if yi else HAN_VILLAGE_PARTS
    pool = [p + "村" for p in parts]
    rng.shuffle(pool)
    names = pool[:count]
    k = 0
    while len(names) < count:  # more villages than syllables: add 上/下 variants
        names.append(pool[k % len(pool)][:-1] + ("上村", "下村", "新村")[k // len(pool) % 3])
        k += 1
    return names


def mobile_number(rng: random.Random) -> str:
    """An 11-digit mainland mobile number (invented)."""
    return rng.choice(("133", "135", "138", "139", "150", "152", "158", "180", "182", "187", "199")) + \
        f"{rng.randrange(100_000_000):08d}"
