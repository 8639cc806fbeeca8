"""The currencies of ISO 4217 that some country of iso_countries pays in, named in Croatian and
in Serbian (Latin script), from the Unicode CLDR (through Babel, once). `code|Croatian|Serbian`.
"""

from __future__ import annotations

_ROWS = """\
AED|UAE dirham|Dirham UAE
AFN|Afganistanski afgani|Avganistanski avgani
ALL|Albanski lek|Albanski lek
AMD|Armenski dram|Jermenski dram
ANG|Nizozemskoantilski gulden|Holandskoantilski gulden
AOA|Angolska kvanza|Angolska kvanza
ARS|Argentinski pezo|Argentinski pezos
AUD|Australski dolar|Australijski dolar
AWG|Arupski florin|Arubanski florin
AZN|Azerbajdžanski manat|Azerbejdžanski manat
BAM|Konvertibilna marka|Bosanskohercegovačka konvertibilna marka
BBD|Barbadoski dolar|Barbadoški dolar
BDT|Bangladeška taka|Bangladeška taka
BGN|Bugarski lev|Bugarski lev
BHD|Bahreinski dinar|Bahreinski dinar
BIF|Burundski franak|Burundski franak
BMD|Bermudski dolar|Bermudski dolar
BND|Brunejski dolar|Brunejski dolar
BOB|Bolivijski bolivijano|Bolivijski bolivijano
BRL|Brazilski real|Brazilski real
BSD|Bahamski dolar|Bahamski dolar
BWP|Bocvanska pula|Bocvanska pula
BYN|Bjeloruski rubalj|Beloruska rublja
BZD|Belizeanski dolar|Beliski dolar
CAD|Kanadski dolar|Kanadski dolar
CDF|Kongoanski franak|Kongoanski franak
CHF|Švicarski franak|Švajcarski franak
CLP|Čileanski pezo|Čileanski pezos
CNY|Kineski yuan|Kineski juan
COP|Kolumbijski pezo|Kolumbijski pezos
CRC|Kostarikanski kolon|Kostarikanski kolon
CUP|Kubanski pezo|Kubanski pezos
CVE|Zelenortski eskudo|Zelenortski eskudo
CZK|Češka kruna|Češka kruna
DJF|Džibutski franak|Džibutski franak
DKK|Danska kruna|Danska kruna
DOP|Dominikanski pezo|Dominikanski pezos
DZD|Alžirski dinar|Alžirski dinar
EGP|Egipatska funta|Egipatska funta
ERN|Eritrejska nakfa|Eritrejska nakfa
ETB|Etiopski bir|Etiopijski bir
EUR|Euro|Evro
FJD|Fidžijski dolar|Fidžijski dolar
FKP|Falklandska funta|Folklandska funta
GBP|Britanska funta|Britanska funta
GEL|Gruzijski lari|Gruzijski lari
GHS|Ganski cedi|Ganski sedi
GIP|Gibraltarska funta|Gibraltarska funta
GMD|Gambijski dalas|Gambijski dalasi
GNF|Gvinejski franak|Gvinejski franak
GTQ|Gvatemalski kvecal|Gvatemalski kecal
GYD|Gvajanski dolar|Gvajanski dolar
HKD|Hongkonški dolar|Hongkonški dolar
HNL|Honduraška lempira|Honduraška lempira
HTG|Haićanski gourd|Haićanski gurd
HUF|Mađarska forinta|Mađarska forinta
IDR|Indonezijska rupija|Indonežanska rupija
ILS|Novi izraelski šekel|Izraelski novi šekel
INR|Indijska rupija|Indijska rupija
IQD|Irački dinar|Irački dinar
IRR|Iranski rijal|Iranski rijal
ISK|Islandska kruna|Islandska kruna
JMD|Jamajčanski dolar|Jamajčanski dolar
JOD|Jordanski dinar|Jordanski dinar
JPY|Japanski jen|Japanski jen
KES|Kenijski šiling|Kenijski šiling
KGS|Kirgiski som|Kirgistanski som
KHR|Kambodžanski rijal|Kambodžanski rijel
KMF|Komorski franak|Komorski franak
KPW|Sjevernokorejski won|Severnokorejski von
KRW|Južnokorejski won|Južnokorejski von
KWD|Kuvajtski dinar|Kuvajtski dinar
KYD|Kajmanski dolar|Kajmanski dolar
KZT|Kazahstanski tenge|Kazahstanski tenge
LAK|Laoski kip|Laoski kip
LBP|Libanonska funta|Libanska funta
LKR|Šrilankanska rupija|Šrilančanska rupija
LRD|Liberijski dolar|Liberijski dolar
LYD|Libijski dinar|Libijski dinar
MAD|Marokanski dirham|Marokanski dirham
MDL|Moldavski lej|Moldavski lej
MGA|Malgaški arijari|Malgaški arijari
MKD|Makedonski denar|Makedonski denar
MMK|Mjanmarski kjat|Mjanmarski kjat
MNT|Mongolski tugrik|Mongolski tugrik
MOP|Makaoška pataka|Makaoska pataka
MRU|Mauretanska ouguja|Mauritanska ogija
MUR|Mauricijska rupija|Mauricijska rupija
MVR|Maldivijska rufija|Maldivska rufija
MWK|Malavijska kvača|Malavijska kvača
MXN|Meksički pezo|Meksički pezos
MYR|Malezijski ringit|Malezijski ringit
MZN|Mozambički metikal|Mozambički metikal
NGN|Nigerijska naira|Nigerijska naira
NIO|Nikaragvanska zlatna kordoba|Nikaragvanska kordoba
NOK|Norveška kruna|Norveška kruna
NPR|Nepalska rupija|Nepalska rupija
NZD|Novozelandski dolar|Novozelandski dolar
OMR|Omanski rijal|Omanski rijal
PAB|Panamska balboa|Panamska balboa
PEN|Peruanski sol|Peruanski sol
PGK|Kina Papue Nove Gvineje|Papuanska kina
PHP|Filipinski pezo|Filipinski pezos
PKR|Pakistanska rupija|Pakistanska rupija
PLN|Poljska zlota|Poljski zlot
PYG|Paragvajski gvarani|Paragvajski gvarani
QAR|Katarski rial|Katarski rijal
RON|Rumunjski lej|Rumunski lej
RSD|Srpski dinar|Srpski dinar
RUB|Ruski rubalj|Ruska rublja
RWF|Ruandski franak|Ruandski franak
SAR|Saudijski rijal|Saudijski rijal
SBD|Solmonskootočni dolar|Solomonski dolar
SCR|Sejšelska rupija|Sejšelska rupija
SDG|Sudanska funta|Sudanska funta
SEK|Švedska kruna|Švedska kruna
SGD|Singapurski dolar|Singapurski dolar
SHP|Svetohelenska funta|Funta Svete Jelene
SLE|Sijeraleonski leone|Sijeraleonski leone
SOS|Somalijski šiling|Somalijski šiling
SRD|Surinamski dolar|Surinamski dolar
SSP|Južnosudanska funta|Južnosudanska funta
STN|Dobra Svetog Tome i Principa|Saotomska dobra
SYP|Sirijska funta|Sirijska funta
SZL|Svazi lilangeni|Svazilendski lilangeni
THB|Tajlandski baht|Tajlandski bat
TJS|Tadžikistanski somoni|Tadžikistanski somon
TMT|Turkmenistanski manat|Turkmenistanski manat
TND|Tuniski dinar|Tuniski dinar
TOP|Tongaška pa’anga|Tonganska panga
TRY|Turska lira|Turska lira
TTD|Trininadtobaški dolar|Trinidadskotobaški dolar
TWD|Novotajvanski dolar|Novi tajvanski dolar
TZS|Tanzanijski šiling|Tanzanijski šiling
UAH|Ukrajinska hrivnja|Ukrajinska grivna
UGX|Ugandski šiling|Ugandski šiling
USD|Američki dolar|Američki dolar
UYU|Urugvajski pezo|Urugvajski pezos
UZS|Uzbekistanski som|Uzbekistanski som
VES|Venezuelanski bolivar|Venecuelanski bolivar
VND|Vijetnamski dong|Vijetnamski dong
VUV|Vanuatski vatu|Vanuatski vatu
WST|Samoanska tala|Samoanska tala
XAF|CFA franak BEAC|Centralnoafrički franak
XCD|Istočnokaripski dolar|Istočnokaripski dolar
XOF|CFA franak BCEAO|Zapadnoafrički franak
XPF|CFP franak|CFP franak
YER|Jemenski rijal|Jemenski rijal
ZAR|Južnoafrički rand|Južnoafrički rand
ZMW|Zambijska kvača|Zambijska kvača
"""

# (ISO code, Croatian name, Serbian name)
ISO_CURRENCIES: tuple[tuple[str, str, str], ...] = tuple(
    (code, croatian, serbian)
    for code, croatian, serbian in (line.split("|") for line in _ROWS.splitlines())
)
