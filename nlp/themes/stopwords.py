"""Norwegian stop words for theme keywords, Bokmål and Nynorsk.

Keywords come from content-word lemmas (nouns, adjectives, verbs), so this list only has to
catch what the part-of-speech filter lets through: light verbs, quantifiers, evaluative
adjectives that say how rather than what, and words every survey comment uses.
"""

FUNCTION_WORDS = frozenset(
    """
    og eller men som at om for fra frå til på i av med mot over under etter før ved hos uten utan
    innen innan mellom gjennom rundt langs blant bak foran framfor siden sidan da då når så enn
    der her hvor kvar hvordan korleis hva kva hvem kven hvilken kva for hvorfor kvifor
    jeg eg meg deg du han ham hun ho henne vi me oss dere de dei dem seg sin sitt sine hans
    hennes deres dykkar vår vårt våre min mitt mine din ditt dine den det denne dette disse
    dei desse ein en et eit ei ett noen nokon noko noe ingen ingenting inga ikkje ikke ikkje
    ja nei også òg bare berre kun enda endå allerede allereie alltid aldri ofte igjen att
    nå no da ennå enno fortsatt framleis her der hit dit opp ned ut inn fram bort vekk
    å kan kunne skal skulle vil ville må måtte bør burde får fikk fått er var vært vore
    være vere bli blir ble blitt vart vorte har hadde ha
    """.split()
)

GENERIC_CONTENT = frozenset(
    """
    være vere ha bli få gjøre gjere kunne skulle ville måtte burde la gå komme kome ta gi
    si seie sier synes synast tro tru mene meine vite vete ønske ynskje oppleve oppleva
    stor liten lita mange mye mykje mange fleire flere flest mest mer meir mindre færre
    god godt bra dårlig dårleg fin fint greit grei vanskelig vanskeleg viktig veldig svært
    ganske litt noe ny nye gammel annen anna anna andre egen eigen eige hel heil heile hele
    del år dag tid gang ting måte sak saka saken fall grunn mulighet moglegheit behov
    kommune kommunen kommunar kommuner kommunane
    """.split()
)

STOP_WORDS = FUNCTION_WORDS | GENERIC_CONTENT
