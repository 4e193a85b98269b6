"""Synthetic street offices for `make bench`: the demo data multiplied, with a fixed seed.

Scale 1 is a real street office (33 offices, 130 staff, 220 service items); scale 10 is ten
times that. Records are copies of the demo's, renamed and renumbered, so texts are as long as
real ones and every phone number is valid and distinct. Photos are as a phone takes them
(12 MP, about 3 MB), one for each of 130 people: at scale 10 each is shared by ten people,
which spares 4 GB of disk but makes checking and preparing photos look ten times cheaper
there than it would be.
"""
from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml
from PIL import Image, ImageDraw

DEMO = Path(__file__).resolve().parent.parent / "data"
OFFICES, STAFF, ITEMS = 33, 130, 220
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建国文斌宇浩凯慧梅鑫晶晓莉欣怡子涵俊峰志海燕佳颖雪琳瑞婷丹辉龙飞云鹏"


class _NoAliases(yaml.SafeDumper):
    """Shared lists written out in full: booklet refuses YAML anchors and aliases."""

    def ignore_aliases(self, data) -> bool:
        return True


def _load(name: str) -> dict:
    return yaml.load((DEMO / name).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def write(target: Path, scale: int, seed: int = 20261101) -> None:
    rng = random.Random(seed)
    org = _load("org.yaml")
    stations = _load("stations.yaml")["stations"]
    cadres = _load("cadres.yaml")["cadres"]
    services = [s for f in sorted((DEMO / "services").glob("*.yaml")) for s in _load(f"services/{f.name}")["services"]]

    offices = []
    for n in range(OFFICES * scale):
        base = stations[n % len(stations)]
        offices.append({**base, "id": f"s{n}", "name": f"{base['name']}{n + 1}", "phone": f"0571-81{n // 100:02d} {n % 100:02d}00"})
    people = []
    for n in range(STAFF * scale):
        base = cadres[n % len(cadres)]
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        person = {k: v for k, v in base.items() if k not in ("pinyin", "order")}
        person.update(id=f"c{n}", name=name, station=f"s{n % len(offices)}", mobile=f"1390{n:07d}")
        if "photo" in person:
            person["photo"] = f"photos/phone-{n % STAFF}.jpg"
        if "office_phone" in person:
            person["office_phone"] = offices[n % len(offices)]["phone"]
        people.append(person)
    copies: dict[str, list[str]] = {}  # a demo office's id: the ids of the offices copied from it
    for n, office in enumerate(offices):
        copies.setdefault(stations[n % len(stations)]["id"], []).append(office["id"])
    items = []
    for n in range(ITEMS * scale):
        base = services[n % len(services)]
        # Handled by a copy of the demo item's own office, as in a real street office: an office's
        # items are of its own kinds (民政办's in 社会救助 and 老龄服务), not spread over every chapter.
        own = copies[base["station"]]
        station = own[(n // len(services)) % len(own)]
        staff = [p["id"] for p in people if p["station"] == station][:2]
        item = {k: v for k, v in base.items() if k != "aliases"}
        item.update(id=f"i{n}", name=f"{base['name']}（{n + 1}）", station=station, handlers=staff)
        if base.get("aliases"):
            item["aliases"] = [f"{alias}{n + 1}" for alias in base["aliases"]]
        items.append(item)

    if target.exists():
        shutil.rmtree(target)
    (target / "services").mkdir(parents=True)
    _phone_photos(target / "photos", STAFF, rng)
    dump = lambda data, name: (target / name).write_text(  # noqa: E731
        yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False), encoding="utf-8")
    dump(org, "org.yaml")
    dump({"stations": offices}, "stations.yaml")
    dump({"cadres": people}, "cadres.yaml")
    for start in range(0, len(items), 50):
        dump({"services": items[start:start + 50]}, f"services/part{start // 50:03d}.yaml")


def _phone_photos(folder: Path, count: int, rng: random.Random) -> None:
    """`count` distinct portraits of 3000×4000 pixels with a phone photo's grain (JPEG files
    of about 3 MB that take as long to decode as a real one)."""
    folder.mkdir(parents=True)
    face = Image.open(DEMO / "photos" / "chengjunjie.jpg").convert("RGB").resize((3000, 4000), Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", (3000, 4000), rng.randbytes(3000 * 4000)).convert("RGB")
    base = Image.blend(face, grain, 0.15)
    for n in range(count):
        photo = base.copy()
        ImageDraw.Draw(photo).rectangle((0, 3400, 3000, 4000), fill=tuple(rng.randrange(256) for _ in range(3)))
        photo.save(folder / f"phone-{n}.jpg", quality=88)


if __name__ == "__main__":
    write(Path(sys.argv[1]), int(sys.argv[2]))
