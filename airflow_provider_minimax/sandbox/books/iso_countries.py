"""Every country of ISO 3166-1 (249), named in Croatian and in Serbian (Latin script).

The Croatian and Serbian worlds serve this whole list, as the real service does (a Serbian
organisation's countries code list holds over 200 rows). The Slovenian world keeps its own short
list (reference.COUNTRIES) so that its books stay exactly as they were.

Names and each country's currency (the legal tender on 2025-01-01, empty where there is none)
were taken from the Unicode CLDR (through Babel, once: the sandbox does not need Babel to run).
One row a line, `code|Croatian name|Serbian name|currency`, to keep 249 rows readable.
"""

from __future__ import annotations

_ROWS = """\
AD|Andora|Andora|EUR
AE|Ujedinjeni Arapski Emirati|Ujedinjeni Arapski Emirati|AED
AF|Afganistan|Avganistan|AFN
AG|Antigva i Barbuda|Antigva i Barbuda|XCD
AI|Angvila|Angvila|XCD
AL|Albanija|Albanija|ALL
AM|Armenija|Jermenija|AMD
AO|Angola|Angola|AOA
AQ|Antarktika|Antarktik|
AR|Argentina|Argentina|ARS
AS|Američka Samoa|Američka Samoa|USD
AT|Austrija|Austrija|EUR
AU|Australija|Australija|AUD
AW|Aruba|Aruba|AWG
AX|Ålandski otoci|Olandska Ostrva|EUR
AZ|Azerbajdžan|Azerbejdžan|AZN
BA|Bosna i Hercegovina|Bosna i Hercegovina|BAM
BB|Barbados|Barbados|BBD
BD|Bangladeš|Bangladeš|BDT
BE|Belgija|Belgija|EUR
BF|Burkina Faso|Burkina Faso|XOF
BG|Bugarska|Bugarska|BGN
BH|Bahrein|Bahrein|BHD
BI|Burundi|Burundi|BIF
BJ|Benin|Benin|XOF
BL|Saint Barthélemy|Sveti Bartolomej|EUR
BM|Bermudi|Bermudi|BMD
BN|Brunej|Brunej|BND
BO|Bolivija|Bolivija|BOB
BQ|Karipski otoci Nizozemske|Karipska Holandija|USD
BR|Brazil|Brazil|BRL
BS|Bahami|Bahami|BSD
BT|Butan|Butan|INR
BV|Otok Bouvet|Ostrvo Buve|NOK
BW|Bocvana|Bocvana|BWP
BY|Bjelorusija|Belorusija|BYN
BZ|Belize|Belize|BZD
CA|Kanada|Kanada|CAD
CC|Kokosovi (Keelingovi) Otoci|Kokosova (Kilingova) Ostrva|AUD
CD|Kongo - Kinshasa|Kongo - Kinšasa|CDF
CF|Srednjoafrička Republika|Centralnoafrička Republika|XAF
CG|Kongo - Brazzaville|Kongo - Brazavil|XAF
CH|Švicarska|Švajcarska|CHF
CI|Obala Bjelokosti|Obala Slonovače (Kot d’Ivoar)|XOF
CK|Cookovi Otoci|Kukova Ostrva|NZD
CL|Čile|Čile|CLP
CM|Kamerun|Kamerun|XAF
CN|Kina|Kina|CNY
CO|Kolumbija|Kolumbija|COP
CR|Kostarika|Kostarika|CRC
CU|Kuba|Kuba|CUP
CV|Zelenortska Republika|Zelenortska Ostrva|CVE
CW|Curaçao|Kurasao|ANG
CX|Božićni Otok|Božićno Ostrvo|AUD
CY|Cipar|Kipar|EUR
CZ|Češka|Češka|CZK
DE|Njemačka|Nemačka|EUR
DJ|Džibuti|Džibuti|DJF
DK|Danska|Danska|DKK
DM|Dominika|Dominika|XCD
DO|Dominikanska Republika|Dominikanska Republika|DOP
DZ|Alžir|Alžir|DZD
EC|Ekvador|Ekvador|USD
EE|Estonija|Estonija|EUR
EG|Egipat|Egipat|EGP
EH|Zapadna Sahara|Zapadna Sahara|MAD
ER|Eritreja|Eritreja|ERN
ES|Španjolska|Španija|EUR
ET|Etiopija|Etiopija|ETB
FI|Finska|Finska|EUR
FJ|Fidži|Fidži|FJD
FK|Falklandski Otoci|Foklandska Ostrva|FKP
FM|Mikronezija|Mikronezija|USD
FO|Farski Otoci|Farska Ostrva|DKK
FR|Francuska|Francuska|EUR
GA|Gabon|Gabon|XAF
GB|Ujedinjeno Kraljevstvo|Ujedinjeno Kraljevstvo|GBP
GD|Grenada|Grenada|XCD
GE|Gruzija|Gruzija|GEL
GF|Francuska Gijana|Francuska Gvajana|EUR
GG|Guernsey|Gernzi|GBP
GH|Gana|Gana|GHS
GI|Gibraltar|Gibraltar|GIP
GL|Grenland|Grenland|DKK
GM|Gambija|Gambija|GMD
GN|Gvineja|Gvineja|GNF
GP|Guadalupe|Gvadelup|EUR
GQ|Ekvatorska Gvineja|Ekvatorijalna Gvineja|XAF
GR|Grčka|Grčka|EUR
GS|Južna Georgia i Otoci Južni Sandwich|Južna Džordžija i Južna Sendvička Ostrva|GBP
GT|Gvatemala|Gvatemala|GTQ
GU|Guam|Guam|USD
GW|Gvineja Bisau|Gvineja-Bisao|XOF
GY|Gvajana|Gvajana|GYD
HK|PUP Hong Kong Kina|SAR Hongkong (Kina)|HKD
HM|Otoci Heard i McDonald|Ostrvo Herd i Mekdonaldova ostrva|AUD
HN|Honduras|Honduras|HNL
HR|Hrvatska|Hrvatska|EUR
HT|Haiti|Haiti|HTG
HU|Mađarska|Mađarska|HUF
ID|Indonezija|Indonezija|IDR
IE|Irska|Irska|EUR
IL|Izrael|Izrael|ILS
IM|Otok Man|Ostrvo Man|GBP
IN|Indija|Indija|INR
IO|Britanski Indijskooceanski Teritorij|Britanska teritorija Indijskog okeana|USD
IQ|Irak|Irak|IQD
IR|Iran|Iran|IRR
IS|Island|Island|ISK
IT|Italija|Italija|EUR
JE|Jersey|Džerzi|GBP
JM|Jamajka|Jamajka|JMD
JO|Jordan|Jordan|JOD
JP|Japan|Japan|JPY
KE|Kenija|Kenija|KES
KG|Kirgistan|Kirgistan|KGS
KH|Kambodža|Kambodža|KHR
KI|Kiribati|Kiribati|AUD
KM|Komori|Komorska Ostrva|KMF
KN|Sveti Kristofor i Nevis|Sent Kits i Nevis|XCD
KP|Sjeverna Koreja|Severna Koreja|KPW
KR|Južna Koreja|Južna Koreja|KRW
KW|Kuvajt|Kuvajt|KWD
KY|Kajmanski Otoci|Kajmanska Ostrva|KYD
KZ|Kazahstan|Kazahstan|KZT
LA|Laos|Laos|LAK
LB|Libanon|Liban|LBP
LC|Sveta Lucija|Sveta Lucija|XCD
LI|Lihtenštajn|Lihtenštajn|CHF
LK|Šri Lanka|Šri Lanka|LKR
LR|Liberija|Liberija|LRD
LS|Lesoto|Lesoto|ZAR
LT|Litva|Litvanija|EUR
LU|Luksemburg|Luksemburg|EUR
LV|Latvija|Letonija|EUR
LY|Libija|Libija|LYD
MA|Maroko|Maroko|MAD
MC|Monako|Monako|EUR
MD|Moldavija|Moldavija|MDL
ME|Crna Gora|Crna Gora|EUR
MF|Saint Martin|Sveti Martin (Francuska)|EUR
MG|Madagaskar|Madagaskar|MGA
MH|Maršalovi Otoci|Maršalska Ostrva|USD
MK|Sjeverna Makedonija|Severna Makedonija|MKD
ML|Mali|Mali|XOF
MM|Mjanmar (Burma)|Mijanmar (Burma)|MMK
MN|Mongolija|Mongolija|MNT
MO|PUP Makao Kina|SAR Makao (Kina)|MOP
MP|Sjevernomarijanski Otoci|Severna Marijanska Ostrva|USD
MQ|Martinik|Martinik|EUR
MR|Mauretanija|Mauritanija|MRU
MS|Montserrat|Monserat|XCD
MT|Malta|Malta|EUR
MU|Mauricijus|Mauricijus|MUR
MV|Maldivi|Maldivi|MVR
MW|Malavi|Malavi|MWK
MX|Meksiko|Meksiko|MXN
MY|Malezija|Malezija|MYR
MZ|Mozambik|Mozambik|MZN
NA|Namibija|Namibija|ZAR
NC|Nova Kaledonija|Nova Kaledonija|XPF
NE|Niger|Niger|XOF
NF|Otok Norfolk|Ostrvo Norfok|AUD
NG|Nigerija|Nigerija|NGN
NI|Nikaragva|Nikaragva|NIO
NL|Nizozemska|Holandija|EUR
NO|Norveška|Norveška|NOK
NP|Nepal|Nepal|NPR
NR|Nauru|Nauru|AUD
NU|Niue|Niue|NZD
NZ|Novi Zeland|Novi Zeland|NZD
OM|Oman|Oman|OMR
PA|Panama|Panama|PAB
PE|Peru|Peru|PEN
PF|Francuska Polinezija|Francuska Polinezija|XPF
PG|Papua Nova Gvineja|Papua Nova Gvineja|PGK
PH|Filipini|Filipini|PHP
PK|Pakistan|Pakistan|PKR
PL|Poljska|Poljska|PLN
PM|Sveti Petar i Mikelon|Sen Pjer i Mikelon|EUR
PN|Pitcairnovi Otoci|Pitkern|NZD
PR|Portoriko|Portoriko|USD
PS|Palestinsko područje|Palestinske teritorije|ILS
PT|Portugal|Portugalija|EUR
PW|Palau|Palau|USD
PY|Paragvaj|Paragvaj|PYG
QA|Katar|Katar|QAR
RE|Réunion|Reinion|EUR
RO|Rumunjska|Rumunija|RON
RS|Srbija|Srbija|RSD
RU|Rusija|Rusija|RUB
RW|Ruanda|Ruanda|RWF
SA|Saudijska Arabija|Saudijska Arabija|SAR
SB|Salomonovi Otoci|Solomonska Ostrva|SBD
SC|Sejšeli|Sejšeli|SCR
SD|Sudan|Sudan|SDG
SE|Švedska|Švedska|SEK
SG|Singapur|Singapur|SGD
SH|Sveta Helena|Sveta Jelena|SHP
SI|Slovenija|Slovenija|EUR
SJ|Svalbard i Jan Mayen|Svalbard i Jan Majen|NOK
SK|Slovačka|Slovačka|EUR
SL|Sijera Leone|Sijera Leone|SLE
SM|San Marino|San Marino|EUR
SN|Senegal|Senegal|XOF
SO|Somalija|Somalija|SOS
SR|Surinam|Surinam|SRD
SS|Južni Sudan|Južni Sudan|SSP
ST|Sveti Toma i Princip|Sao Tome i Principe|STN
SV|Salvador|Salvador|USD
SX|Sint Maarten|Sveti Martin (Holandija)|ANG
SY|Sirija|Sirija|SYP
SZ|Esvatini|Svazilend|SZL
TC|Otoci Turks i Caicos|Ostrva Turks i Kaikos|USD
TD|Čad|Čad|XAF
TF|Francuski Južni Teritoriji|Francuske Južne Teritorije|EUR
TG|Togo|Togo|XOF
TH|Tajland|Tajland|THB
TJ|Tadžikistan|Tadžikistan|TJS
TK|Tokelau|Tokelau|NZD
TL|Timor-Leste|Timor-Leste (Istočni Timor)|USD
TM|Turkmenistan|Turkmenistan|TMT
TN|Tunis|Tunis|TND
TO|Tonga|Tonga|TOP
TR|Turska|Turska|TRY
TT|Trinidad i Tobago|Trinidad i Tobago|TTD
TV|Tuvalu|Tuvalu|AUD
TW|Tajvan|Tajvan|TWD
TZ|Tanzanija|Tanzanija|TZS
UA|Ukrajina|Ukrajina|UAH
UG|Uganda|Uganda|UGX
UM|Mali udaljeni otoci SAD-a|Udaljena ostrva SAD|USD
US|Sjedinjene Američke Države|Sjedinjene Države|USD
UY|Urugvaj|Urugvaj|UYU
UZ|Uzbekistan|Uzbekistan|UZS
VA|Vatikan|Vatikan|EUR
VC|Sveti Vincent i Grenadini|Sent Vinsent i Grenadini|XCD
VE|Venezuela|Venecuela|VES
VG|Britanski Djevičanski Otoci|Britanska Devičanska Ostrva|USD
VI|Američki Djevičanski Otoci|Američka Devičanska Ostrva|USD
VN|Vijetnam|Vijetnam|VND
VU|Vanuatu|Vanuatu|VUV
WF|Wallis i Futuna|Valis i Futuna|XPF
WS|Samoa|Samoa|WST
YE|Jemen|Jemen|YER
YT|Mayotte|Majot|EUR
ZA|Južnoafrička Republika|Južnoafrička Republika|ZAR
ZM|Zambija|Zambija|ZMW
ZW|Zimbabve|Zimbabve|USD
"""


def _parse() -> tuple[tuple[str, str, str, str], ...]:
    rows = []
    for line in _ROWS.splitlines():
        code, croatian, serbian, currency = line.split("|")
        rows.append((code, croatian, serbian, currency))
    return tuple(rows)


# (ISO code, Croatian name, Serbian name, ISO currency code or "")
ISO_COUNTRIES: tuple[tuple[str, str, str, str], ...] = _parse()
