"""Build redaction_labelled.jsonl (run once; the output is committed, this script documents it).

    python tests/publicity/data/make_redaction_set.py /path/to/finlaw_cbirc_penalties_2016_sample100.csv

Sentences come from the 违规事实 of the 100 real CBIRC (银监) penalty disclosures of 2016 in
../shared/reference-data/penalties/ (jerrysxr1223/Finlaw-Bench @
3c0274b264a9fcc79355e8d6c079897a79c19945 : Finlaw_dataset.csv). Those disclosures name banks,
not people (the published versions carry no natural persons), so:

* ``real`` records are real sentences verbatim (with the party and the agency from the same
  row); they must come through unchanged — they measure precision (逢春制药, 禾嘉集团,
  锡林浩特新区支行 … are not people or home addresses);
* ``synthetic`` records put a real sentence into a frame of a 行政处罚决定书 (证人…的证言,
  被询问人…, 陪同人员…, 当事人家属…) and substitute **fake** names, resident ID numbers (valid
  GB 11643 check digits), phone numbers and addresses (real divisions, made-up streets).
  No value in them belongs to a real person.
"""

import csv
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
rng = random.Random(20261122)

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
) + ["欧阳", "司马", "诸葛", "上官"]
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅文斌海波宇浩然轩欣怡思雨佳琪"
    "德福春生荣庆林凤琴云莲英辉鹏飞俊峰雪慧晓婷颖琳晨阳帆宁坤"
)
OFFICERS = ["周建平", "吴晓东", "郑丽华", "王志刚", "林海波", "黄文斌"]
DIVISIONS = [
    "浙江省衢州市柯城区",
    "浙江省衢州市江山市",
    "浙江省杭州市西湖区",
    "内蒙古自治区赤峰市红山区",
    "内蒙古自治区锡林郭勒盟锡林浩特市",
    "内蒙古包头市东河区",
    "四川省德阳市旌阳区",
    "四川省德阳市中江县",
    "四川省成都市锦江区",
    "江苏省徐州市云龙区",
    "江苏省常州市天宁区",
    "江苏省苏州市工业园区",
    "北京市朝阳区",
    "上海市浦东新区",
    "成都市武侯区",
    "衢州市衢江区",
    "常山县",
    "开化县",
    "甘肃省嘉峪关市",
    "湖北省荆州市沙市区",
    "山东省济南市市中区",
    "吉林省延边朝鲜族自治州延吉市",
    "河南省郑州市经济技术开发区",
    "广西壮族自治区南宁市青秀区",
    "兴安盟科尔沁右翼前旗",
]
STREETS = [
    "荷花路12号3幢501室",
    "人民路88号",
    "城关镇解放街15号2单元302室",
    "新华街道建设路7号",
    "贺村镇大桥村12组35号",
    "额尔敦路5号",
    "文三路90号2幢301室",
    "石门镇青石村8号",
    "金田小区6幢1单元201室",
    "滨江路99弄4号602室",
    "光明街道幸福里3号",
    "大学城路11号",
]
AREAS = [
    "330802",
    "330881",
    "330106",
    "150402",
    "152502",
    "150202",
    "510603",
    "510623",
    "510104",
    "320303",
    "320402",
    "110105",
    "310115",
    "510107",
    "330822",
    "330824",
    "620200",
    "421002",
]


def fake_name():
    s = rng.choice(SURNAMES)
    return s + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2, 2])))


def ric(area=None):
    body = (area or rng.choice(AREAS)) + f"{rng.randint(1955, 2004)}{rng.randint(1, 12):02d}"
    body += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def mobile():
    n = f"1{rng.choice('3456789')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
    style = rng.randrange(5)
    if style == 1:
        return f"{n[:3]} {n[3:7]} {n[7:]}"
    if style == 2:
        return f"{n[:3]}-{n[3:7]}-{n[7:]}"
    if style == 3:
        return "+86 " + n
    return n


def landline():
    area = rng.choice(["0570", "0476", "0471", "028", "0838", "0516", "0519", "0937", "0472"])
    local = f"{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"[: 8 if len(area) == 3 else 7]
    style = rng.randrange(4)
    if style == 1:
        return f"({area}){local}"
    if style == 2:
        return f"（{area}）{local}"
    return f"{area}-{local}"


def address():
    d = rng.choice(DIVISIONS)
    return d, d + rng.choice(STREETS)


def clauses(rows):
    seen = []
    for r in rows:
        for c in re.split(r"[。；;]", r["违规事实"]):
            c = c.strip(" ，,")
            if len(c) >= 6 and c not in [s for s, _ in seen]:
                seen.append((c, r))
    return seen


def main(csv_path):
    rows = list(csv.DictReader(open(csv_path, encoding="utf-8-sig")))
    cl = clauses(rows)
    out = [
        {
            "_source": "real sentences: jerrysxr1223/Finlaw-Bench @ 3c0274b264a9fcc79355e8d6c079897a79c19945 : "
            "Finlaw_dataset.csv (via ../shared/reference-data/penalties/, 序号 in each record's src)",
            "_note": "synthetic records put real sentences into 决定书 frames with FAKE names, ID numbers (valid "
            "GB 11643 check digit), phones and addresses (real divisions, made-up streets); see "
            "make_redaction_set.py. labels: cat id|phone|name|address; address labels carry the "
            "divisions that must stay ('kept'); 'public' lists names that must stay visible.",
        }
    ]
    n = 0

    def rec(kind, src, text, labels=(), public=(), parties=()):
        nonlocal n
        n += 1
        out.append(
            {
                "n": n,
                "kind": kind,
                "src": src,
                "text": text,
                "labels": list(labels),
                "public": list(public),
                "parties": list(parties),
            }
        )

    for c, r in cl:  # every real clause, verbatim
        rec("real", f"cbirc:{r['序号']}", c + "。")
    for r in rows[:60]:  # real party + agency + fine sentences
        rec(
            "real",
            f"cbirc:{r['序号']}",
            f"{r['当事人']}因{r['违规事实'].rstrip('。')}，被{r['处理机构']}{r['处罚类型']}{r['罚没金额（元）']}元。",
        )
    frames = []
    for i, (c, r) in enumerate(cl * 2):
        src = f"synthetic frame, fact from cbirc:{r['序号']}"
        org, agency = r["当事人"], r["处理机构"]
        a, b = fake_name(), fake_name()
        while b[0] == a[0]:
            b = fake_name()
        k = i % 16
        if k == 0:
            pid, ph = ric(), mobile()
            frames.append(
                (
                    src,
                    f"经查，{c}。证人{a}（身份证号码{pid}，联系电话{ph}）的证言证实了上述事实。",
                    [("name", a), ("id", pid), ("phone", ph)],
                    [],
                )
            )
        elif k == 1:
            o1, o2 = rng.sample(OFFICERS, 2)
            frames.append(
                (
                    src,
                    f"执法人员{o1}、{o2}对被询问人{a}进行了询问，{a}承认{c}。",
                    [("name", a)],
                    [o1, o2],
                )
            )
        elif k == 2:
            d, ad = address()
            frames.append(
                (
                    src,
                    f"{org}工作人员{a}（住{ad}）陈述：{c}。",
                    [("name", a), ("address", ad, d)],
                    [],
                )
            )
        elif k == 3:
            ph = landline()
            frames.append(
                (
                    src,
                    f"现场检查时，见证人{a}在场，联系电话{ph}。{c}。",
                    [("name", a), ("phone", ph)],
                    [],
                )
            )
        elif k == 4:
            d, ad = address()
            frames.append(
                (src, f"当事人家属{a}代为签收，住址：{ad}。", [("name", a), ("address", ad, d)], [])
            )
        elif k == 5:
            frames.append((src, f"陪同人员{a}、{b}证实{c}。", [("name", a), ("name", b)], []))
        elif k == 6:
            rep = fake_name()
            frames.append((src, f"{org}，负责人{rep}，{c}。", [], [rep]))
        elif k == 7:
            pid, ph = ric(), mobile()
            frames.append(
                (
                    src,
                    f"经调查，{a}系{org}客户，其身份证号码为{pid}，手机{ph}，{c}。",
                    [("name", a), ("id", pid), ("phone", ph)],
                    [],
                )
            )
        elif k == 8:
            frames.append((src, f"{a}于2016年3月向{agency}举报：{c}。", [("name", a)], []))
        elif k == 9:
            frames.append((src, f"据{a}陈述，{c}。", [("name", a)], []))
        elif k == 10:
            d, ad = address()
            pid = ric()
            frames.append(
                (
                    src,
                    f"借款人{a}（公民身份号码{pid}，户籍地{ad}）将贷款资金挪用，{c}。",
                    [("name", a), ("id", pid), ("address", ad, d)],
                    [],
                )
            )
        elif k == 11:
            frames.append(
                (src, f"调查中，{a}、{b}两人提供了银行流水，{c}。", [("name", a), ("name", b)], [])
            )
        elif k == 12:
            ph = rng.choice(
                [
                    f"{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}",
                    f"0570 {rng.randint(2, 8)}{rng.randint(0, 999999):06d}",
                    mobile(),
                ]
            )
            frames.append((src, f"经询问{a}（电话{ph}），{c}。", [("name", a), ("phone", ph)], []))
        elif k == 13:
            old = (
                ric()[:6]
                + f"{rng.randint(55, 99)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
            )
            frames.append(
                (src, f"被询问人{a}，身份证号{old}，{c}。", [("name", a), ("id", old)], [])
            )
        elif k == 14:
            d, ad = address()
            frames.append(
                (src, f"该行员工{a}，男，住{ad}，{c}。", [("name", a), ("address", ad, d)], [])
            )
        else:
            ph, pid = mobile(), ric()
            frames.append(
                (
                    src,
                    f"{c}。上述事实有{a}的询问笔录（身份证号码{pid}，手机号码{ph}）为证。",
                    [("name", a), ("id", pid), ("phone", ph)],
                    [],
                )
            )
    for src, text, labels, public in frames:
        lab = []
        for item in labels:
            d = {"cat": item[0], "text": item[1]}
            if item[0] == "address":
                d["kept"] = item[2]
            lab.append(d)
        rec("synthetic", src, text, lab, public)
    with open(HERE / "redaction_labelled.jsonl", "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    print(n, "records", sum(1 for o in out[1:] if o["kind"] == "real"), "real")


if __name__ == "__main__":
    main(sys.argv[1])
