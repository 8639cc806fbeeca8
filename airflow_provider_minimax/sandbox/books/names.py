"""Word lists from which the sandbox's data generator builds realistic-looking records.

Plain data only: the builders in `books/` decide how the words are combined. Slovenian lists are
the longest because a Slovenian organisation is the sandbox's default; the other countries get just
enough words for the occasional foreign customer or a Croatian/Serbian organisation.
"""

from __future__ import annotations

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Janez", "Marko", "Luka", "Matej", "Andrej", "Tomaž", "Jure", "Peter", "Gregor", "Rok",
    "Aleš", "Boštjan", "Miha", "Primož", "Uroš", "Nejc", "Anže", "Žiga", "Blaž", "Matjaž",
    "Franc", "Jožef", "Anton", "Igor", "Dejan", "Robert", "Simon", "Klemen", "Tadej", "Gašper",
)  # fmt: skip

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Maja", "Ana", "Mojca", "Nina", "Petra", "Katja", "Mateja", "Barbara", "Tjaša", "Urška",
    "Nataša", "Irena", "Klara", "Špela", "Eva", "Sara", "Lara", "Tina", "Andreja", "Polona",
    "Vesna", "Darja", "Alenka", "Metka", "Jasna", "Simona", "Helena", "Marija", "Vida", "Zala",
)  # fmt: skip

SURNAMES: dict[str, tuple[str, ...]] = {
    "SI": (
        "Novak", "Horvat", "Kovačič", "Krajnc", "Zupančič", "Potočnik", "Kovač", "Mlakar",
        "Kos", "Vidmar", "Golob", "Turk", "Kralj", "Božič", "Korošec", "Bizjak", "Zupan",
        "Hribar", "Kavčič", "Rozman", "Kastelic", "Oblak", "Petek", "Žagar", "Kolar", "Košir",
        "Koren", "Klemenčič", "Zajc", "Knez", "Medved", "Zupanc", "Petrič", "Pirc", "Hrovat",
        "Lah", "Kuhar", "Zorko", "Tomažič", "Erjavec", "Sever", "Jerman", "Kranjc", "Majcen",
        "Babič", "Uršič", "Jereb", "Lesjak", "Rupnik", "Leban",
    ),
    "HR": (
        "Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Kovačić", "Knežević",
        "Vuković", "Marković", "Petrović", "Matić", "Tomić", "Pavlović", "Božić", "Blažević",
    ),
    "RS": (
        "Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić",
        "Stanković", "Pavlović", "Milošević", "Popović", "Živković", "Todorović", "Ristić",
    ),
    "BA": ("Hodžić", "Hadžić", "Kovačević", "Delić", "Begić", "Mehmedović", "Jukić", "Šarić"),
    "ME": ("Vujović", "Radović", "Popović", "Đukanović", "Perović", "Vučinić"),
    "MK": ("Stojanovski", "Nikolovski", "Trajkovski", "Petrovski", "Ristovski", "Jovanovski"),
    "AT": ("Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Moser", "Hofer", "Steiner"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"),
    "CH": ("Meier", "Keller", "Brunner", "Frei", "Baumann", "Zimmermann", "Graf", "Huber"),
    "IT": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Bruno"),
    "HU": ("Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár"),
}  # fmt: skip

# Words for company names: "<stem> <trade> d.o.o." or "<trade> <surname> d.o.o.".
COMPANY_STEMS: tuple[str, ...] = (
    "Lipa", "Javor", "Breza", "Hrast", "Smreka", "Kresnica", "Sokol", "Zvezda", "Sonček",
    "Dolina", "Gorica", "Brinje", "Potok", "Kamen", "Jezero", "Vrh", "Polje", "Bistrica",
    "Zarja", "Metulj", "Planika", "Modri val", "Zeleni breg", "Trta", "Čebelica", "Lastovka",
    "Mlin", "Lesnika", "Vihar", "Svit",
)  # fmt: skip

COMPANY_TRADES: dict[str, tuple[str, ...]] = {
    "SI": (
        "Gradnje", "Trgovina", "Inženiring", "Storitve", "Tehnika", "Elektro", "Les",
        "Transport", "Informatika", "Svetovanje", "Marketing", "Gostinstvo", "Kovinarstvo",
        "Avtomatika", "Energija", "Agro", "Dizajn", "Invest", "Projekt", "Logistika",
    ),
    "HR": ("Gradnja", "Trgovina", "Inženjering", "Usluge", "Elektro", "Transport", "Informatika"),
    "RS": ("Gradnja", "Trgovina", "Inženjering", "Usluge", "Elektro", "Transport", "Softver"),
    "BA": ("Gradnja", "Trgovina", "Usluge", "Transport", "Drvo"),
    "ME": ("Gradnja", "Trgovina", "Turizam", "Usluge"),
    "MK": ("Trgovija", "Gradba", "Transport", "Uslugi"),
    "AT": ("Handel", "Technik", "Bau", "Logistik", "Elektro", "Holz"),
    "DE": ("Handel", "Technik", "Maschinenbau", "Logistik", "Elektronik", "Software"),
    "CH": ("Handel", "Technik", "Präzision", "Logistik"),
    "IT": ("Costruzioni", "Trasporti", "Commercio", "Impianti", "Meccanica"),
    "HU": ("Kereskedelmi", "Építőipari", "Szállítmányozási", "Műszaki"),
}  # fmt: skip

# The legal form that ends a company name in each country.
COMPANY_SUFFIXES: dict[str, tuple[str, ...]] = {
    "SI": ("d.o.o.", "d.o.o.", "d.o.o.", "d.o.o.", "d.d."),
    "HR": ("d.o.o.", "d.o.o.", "j.d.o.o.", "d.d."),
    "RS": ("d.o.o.", "d.o.o.", "a.d."),
    "BA": ("d.o.o.",),
    "ME": ("d.o.o.",),
    "MK": ("DOOEL", "DOO"),
    "AT": ("GmbH", "GmbH", "KG"),
    "DE": ("GmbH", "GmbH", "AG"),
    "CH": ("AG", "GmbH"),
    "IT": ("S.r.l.", "S.r.l.", "S.p.A."),
    "HU": ("Kft.", "Kft.", "Zrt."),
}

# Activities a sole trader (samostojni podjetnik, "s.p.") puts before their name.
SOLE_TRADER_ACTIVITIES: tuple[str, ...] = (
    "Avtomehanika", "Frizerski salon", "Gradbeništvo", "Mizarstvo", "Računovodstvo",
    "Elektroinštalacije", "Kleparstvo", "Slikopleskarstvo", "Vodovodne inštalacije", "Prevozi",
    "Gostilna", "Svetovanje", "Grafično oblikovanje", "Fotografija", "Programiranje",
    "Tesarstvo", "Vrtnarstvo", "Čistilni servis", "Krovstvo", "Prevajanje",
)  # fmt: skip

# (postal code, city) per country; the first entries are the most populous, so the generator
# can weight them higher.
CITIES: dict[str, tuple[tuple[str, str], ...]] = {
    "SI": (
        ("1000", "Ljubljana"), ("2000", "Maribor"), ("3000", "Celje"), ("4000", "Kranj"),
        ("6000", "Koper"), ("8000", "Novo mesto"), ("5000", "Nova Gorica"),
        ("9000", "Murska Sobota"), ("1230", "Domžale"), ("3320", "Velenje"), ("2250", "Ptuj"),
        ("1290", "Grosuplje"), ("4220", "Škofja Loka"), ("1360", "Vrhnika"), ("4260", "Bled"),
        ("6320", "Portorož"), ("2380", "Slovenj Gradec"), ("8250", "Brežice"),
        ("6230", "Postojna"), ("1420", "Trbovlje"), ("1241", "Kamnik"),
        ("2310", "Slovenska Bistrica"),
    ),
    "HR": (
        ("10000", "Zagreb"), ("21000", "Split"), ("51000", "Rijeka"), ("31000", "Osijek"),
        ("23000", "Zadar"), ("52100", "Pula"), ("42000", "Varaždin"), ("47000", "Karlovac"),
    ),
    "RS": (
        ("11000", "Beograd"), ("21000", "Novi Sad"), ("18000", "Niš"), ("34000", "Kragujevac"),
        ("24000", "Subotica"), ("32000", "Čačak"),
    ),
    "BA": (("71000", "Sarajevo"), ("78000", "Banja Luka"), ("75000", "Tuzla"), ("88000", "Mostar")),
    "ME": (("81000", "Podgorica"), ("85000", "Bar"), ("85330", "Kotor")),
    "MK": (("1000", "Skopje"), ("7000", "Bitola"), ("6000", "Ohrid")),
    "AT": (("1010", "Wien"), ("8010", "Graz"), ("9020", "Klagenfurt"), ("5020", "Salzburg")),
    "DE": (("80331", "München"), ("10115", "Berlin"), ("70173", "Stuttgart"), ("20095", "Hamburg")),
    "CH": (("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel")),
    "IT": (("34121", "Trieste"), ("33100", "Udine"), ("20121", "Milano"), ("30121", "Venezia")),
    "HU": (("1051", "Budapest"), ("9700", "Szombathely"), ("8900", "Zalaegerszeg")),
}  # fmt: skip

STREETS: dict[str, tuple[str, ...]] = {
    "SI": (
        "Slovenska cesta", "Dunajska cesta", "Celovška cesta", "Tržaška cesta", "Prešernova ulica",
        "Cankarjeva ulica", "Partizanska cesta", "Ulica heroja Staneta", "Glavni trg",
        "Kidričeva ulica", "Gregorčičeva ulica", "Trubarjeva cesta", "Ljubljanska cesta",
        "Mariborska cesta", "Industrijska cesta", "Obrtna cona", "Šmartinska cesta",
        "Koroška cesta", "Vodnikova ulica", "Tomšičeva ulica", "Cesta talcev", "Kolodvorska ulica",
        "Šolska ulica", "Vrtna ulica", "Cesta v Mestni log", "Poljanska cesta",
    ),
    "HR": ("Ilica", "Vukovarska ulica", "Savska cesta", "Ulica grada Vukovara", "Radnička cesta"),
    "RS": ("Bulevar kralja Aleksandra", "Knez Mihailova", "Bulevar oslobođenja", "Nemanjina"),
    "BA": ("Ferhadija", "Titova", "Zmaja od Bosne", "Kralja Petra I"),
    "ME": ("Bulevar Svetog Petra Cetinjskog", "Njegoševa", "Slobode"),
    "MK": ("Partizanska", "Makedonija", "Ilindenska"),
    "AT": ("Hauptstraße", "Bahnhofstraße", "Kirchengasse", "Industriestraße"),
    "DE": ("Hauptstraße", "Industriestraße", "Schulstraße", "Gartenstraße"),
    "CH": ("Bahnhofstrasse", "Seestrasse", "Dorfstrasse"),
    "IT": ("Via Roma", "Via Giuseppe Verdi", "Via Garibaldi", "Corso Italia"),
    "HU": ("Fő utca", "Kossuth Lajos utca", "Petőfi Sándor utca", "Rákóczi út"),
}  # fmt: skip

# Top-level domain of a company's web site and e-mail address.
TOP_LEVEL_DOMAINS: dict[str, str] = {
    "SI": "si", "HR": "hr", "RS": "rs", "BA": "ba", "ME": "me", "MK": "mk",
    "AT": "at", "DE": "de", "CH": "ch", "IT": "it", "HU": "hu",
}  # fmt: skip

# Item catalogue: (name, unit, item type, price in EUR, VAT rate code, kg per unit, variants).
# Item types are the vendor's: B goods (blago), M material, P product (proizvod), S service.
# VAT codes: S standard, N reduced (food, ...), P special reduced (books); see `profiles.py`.
ItemTemplate = tuple[str, str, str, float, str, float | None, tuple[str, ...]]

ITEM_TEMPLATES: tuple[ItemTemplate, ...] = (
    ("Svetovanje", "ura", "S", 65.0, "S", None, ("poslovno", "davčno", "IT", "pravno")),
    ("Programiranje", "ura", "S", 55.0, "S", None, ("junior", "senior", "arhitekt")),
    ("Montaža", "ura", "S", 35.0, "S", None, ("pohištva", "oken", "klime")),
    ("Servis", "ura", "S", 42.0, "S", None, ("vozila", "kotla", "strojev")),
    ("Izobraževanje", "ura", "S", 80.0, "S", None, ("skupinsko", "individualno", "spletno")),
    ("Čiščenje prostorov", "m2", "S", 1.8, "S", None, ("redno", "generalno", "po gradnji")),
    ("Prevoz blaga", "km", "S", 0.95, "S", None, ("kombi", "tovornjak 7,5 t", "tovornjak 40 t")),
    ("Najem opreme", "dan", "S", 45.0, "S", None, ("oder", "mešalec", "kompresor")),
    ("Grafično oblikovanje", "ura", "S", 40.0, "S", None, ("logotip", "tiskovine", "splet")),
    ("Računovodske storitve", "mes", "S", 180.0, "S", None, ("s.p.", "d.o.o. mala", "d.o.o.")),
    ("Vzdrževanje spletišča", "mes", "S", 90.0, "S", None, ("osnovno", "razširjeno", "premium")),
    ("Prevajanje", "ura", "S", 30.0, "S", None, ("angleščina", "nemščina", "italijanščina")),
    ("Vodenje projekta", "ura", "S", 60.0, "S", None, ("gradbeni", "IT", "razvojni")),
    ("Vijak", "kos", "B", 0.12, "S", 0.01, ("M6 x 30", "M8 x 40", "M10 x 60", "M12 x 80")),
    ("Matica", "kos", "B", 0.05, "S", 0.005, ("M6", "M8", "M10")),
    ("Tesarska deska smreka", "m", "M", 4.2, "S", 2.1, ("24 x 100", "24 x 150", "48 x 200")),
    ("Kabel NYM-J", "m", "B", 0.95, "S", 0.12, ("3 x 1,5", "3 x 2,5", "5 x 2,5", "5 x 6")),
    ("Cement CEM II", "kos", "M", 6.8, "S", 25.0, ("25 kg", "40 kg")),
    ("Fasadna barva", "kos", "B", 42.0, "S", 7.5, ("bela 5 l", "bela 15 l", "pastelna 15 l")),
    ("Lepilo za ploščice", "kos", "M", 11.5, "S", 25.0, ("C1", "C2TE", "S1 fleksibilno")),
    ("Keramične ploščice", "m2", "B", 24.0, "S", 19.0, ("30 x 60", "60 x 60", "20 x 120")),
    ("Izolacijska volna", "m2", "M", 5.9, "S", 1.6, ("5 cm", "10 cm", "15 cm")),
    ("Vodovodna cev PE", "m", "B", 1.6, "S", 0.3, ("20 mm", "25 mm", "32 mm")),
    ("Led sijalka", "kos", "B", 4.9, "S", 0.05, ("E27 9 W", "E14 6 W", "GU10 5 W")),
    ("Vtičnica", "kos", "B", 6.4, "S", 0.08, ("enojna", "dvojna", "trojna")),
    ("Varnostna čelada", "kos", "B", 18.0, "S", 0.4, ("bela", "rumena", "modra")),
    ("Delovne rokavice", "par", "B", 3.5, "S", 0.1, ("S", "M", "L", "XL")),
    ("Delovni čevlji S3", "par", "B", 69.0, "S", 1.4, ("40", "42", "44", "46")),
    ("Pisarniški papir A4", "kos", "B", 4.3, "S", 2.5, ("80 g", "100 g", "reciklirani")),
    ("Toner", "kos", "B", 59.0, "S", 0.9, ("črn", "barvni komplet", "visoka kapaciteta")),
    ("Prenosni računalnik", "kos", "B", 899.0, "S", 1.6, ("14\"", "15,6\"", "17\"")),
    ("Monitor", "kos", "B", 189.0, "S", 4.5, ("24\"", "27\"", "32\"")),
    ("Tipkovnica", "kos", "B", 29.0, "S", 0.7, ("SLO", "brezžična", "ergonomska")),
    ("Pisarniški stol", "kos", "P", 149.0, "S", 14.0, ("osnovni", "ergonomski", "direktorski")),
    ("Delovna miza", "kos", "P", 249.0, "S", 32.0, ("120 cm", "160 cm", "nastavljiva")),
    ("Kuhinjski element", "kos", "P", 320.0, "S", 28.0, ("spodnji", "zgornji", "visoki")),
    ("Lesena paleta", "kos", "P", 11.0, "S", 22.0, ("EUR", "industrijska", "polovična")),
    ("Kava v zrnu", "kg", "B", 18.5, "N", 1.0, ("arabica", "espresso", "brez kofeina")),
    ("Mineralna voda", "kos", "B", 0.69, "N", 1.55, ("1,5 l", "0,5 l", "gazirana 1,5 l")),
    ("Oljčno olje", "l", "B", 12.9, "N", 0.92, ("ekstra deviško", "istrsko", "bio")),
    ("Med", "kos", "P", 9.5, "N", 0.9, ("cvetlični", "akacijev", "gozdni")),
    ("Moka", "kg", "B", 0.89, "N", 1.0, ("bela T-500", "polnozrnata", "ajdova")),
    ("Kruh", "kos", "P", 2.4, "N", 0.5, ("beli", "polnozrnati", "rženi")),
    ("Strokovna knjiga", "kos", "B", 34.0, "P", 0.6, ("računovodstvo", "davki", "gradbeništvo")),
    ("Učbenik", "kos", "B", 21.0, "P", 0.5, ("matematika", "slovenščina", "angleščina")),
    ("Čistilo", "kos", "B", 3.2, "S", 1.0, ("univerzalno", "za steklo", "razkužilo")),
    ("Kurilno olje", "l", "B", 1.12, "S", 0.84, ("EL", "ekstra lahko")),
    ("Pelet", "kos", "B", 4.9, "S", 15.0, ("A1 15 kg", "A2 15 kg")),
    ("Motorno olje", "l", "B", 9.9, "S", 0.9, ("5W-30", "10W-40", "0W-20")),
    ("Pnevmatika", "kos", "B", 79.0, "S", 8.5, ("zimska 16\"", "letna 16\"", "letna 17\"")),
    ("Rezervni del", "kos", "M", 24.0, "S", 0.8, ("filter olja", "zavorne ploščice", "jermen")),
    ("Jeklena pločevina", "kg", "M", 1.35, "S", 1.0, ("1 mm", "2 mm", "3 mm")),
    ("Aluminijast profil", "m", "M", 7.8, "S", 0.9, ("20 x 20", "40 x 40", "40 x 80")),
)  # fmt: skip

# A few sentences for free-text fields, so they are not all empty.
INVOICE_TEXTS_ABOVE: tuple[str, ...] = (
    "Zaračunavamo vam:",
    "Na podlagi vašega naročila vam zaračunavamo:",
    "Za opravljene storitve vam zaračunavamo:",
)
INVOICE_TEXTS_BELOW: tuple[str, ...] = (
    "Hvala za zaupanje.",
    "Znesek poravnajte do datuma zapadlosti na naš TRR.",
    "Pri plačilu navedite sklic.",
)

# Analytic cost centres (stroškovna mesta) and projects: (code, name, parent code or "").
ANALYTICS: tuple[tuple[str, str, str], ...] = (
    ("SM1", "Uprava", ""),
    ("SM2", "Prodaja", ""),
    ("SM3", "Proizvodnja", ""),
    ("SM4", "Vzdrževanje", "SM3"),
    ("P01", "Projekt Prenova", ""),
    ("P02", "Projekt Izvoz", "SM2"),
    ("P03", "Projekt Digitalizacija", "SM1"),
    ("SM5", "Logistika", ""),
)
