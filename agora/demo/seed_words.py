"""Words for seeded posts: French and English vocabularies ranked for Zipf sampling, tags and stock phrases."""
from __future__ import annotations

import random
from functools import lru_cache
from itertools import accumulate

# Most frequent first: the rank is the Zipf rank, so function words dominate as in real text.
FR_FUNCTION = """de la le et les des en un une du pour que qui dans sur pas est au avec ce il nous on se plus par
je vous mais sont a ou à aux ont cette son ses leur tout fait bien aussi très comme être avoir faire peut si déjà
encore après avant entre sans sous chez depuis pendant vers quand donc alors ici là notre nos votre vos mon ma mes
cela ça tous toutes elle elles ils lui y ne non oui merci bonjour c'est n'est qu'il l'on d'un d'une j'ai""".split()
EN_FUNCTION = """the of and to a in is that for it on with as this be are at by was we from or have not but an
you they our your will can all if has more so about when there their what which one been would up out also just
do new time like how some could into than these other them its only may then now us here very over after before
should need get me my i please thanks hi it's we're don't let's there's that's""".split()

FR_CONTENT = """projet équipe client réunion données sécurité budget planning livraison production formation
recrutement semaine année mois jour matin soir question réponse idée proposition présentation document dossier
rapport retour objectif résultat chiffre vente achat contrat partenaire fournisseur service produit version
lancement démo atelier session bureau site agence siège télétravail déplacement voyage salle café déjeuner
pause nouveauté mise point sujet ordre compte responsable direction manager collègue stagiaire alternant
entreprise société groupe filiale marché concurrence stratégie vision valeur culture qualité process procédure
outil logiciel application plateforme serveur réseau base code test bug correctif incident panne alerte
supervision déploiement migration architecture infrastructure cloud sauvegarde accès compte mot passe
licence support ticket demande validation signature facture paiement remboursement note frais congés absence
agenda calendrier rendez-vous visio appel message courriel newsletter intranet annonce communication
événement séminaire conférence salon webinaire formation tutoriel guide documentation wiki page lien fichier
tableau graphique indicateur tableau-de-bord analyse étude enquête sondage avis commentaire vote décision
priorité urgence délai échéance étape phase jalon sprint itération rétrospective revue démarrage clôture
bilan trimestre semestre exercice prévision objectif croissance chiffre-d'affaires marge coût économie
investissement risque opportunité défi succès échec leçon expérience conseil aide soutien merci bravo
félicitations bienvenue arrivée départ anniversaire pot fête équipe-projet comité conseil assemblée
accord contrat négociation offre devis commande livraison stock entrepôt logistique transport camion colis
usine atelier chaîne machine maintenance énergie électricité chauffage bâtiment parking vélo covoiturage
train métro bus trajet horaires planning astreinte garde nuit week-end vacances rentrée été hiver printemps
automne lundi mardi mercredi jeudi vendredi samedi dimanche aujourd'hui demain hier bientôt récemment
finalement rapidement simplement vraiment clairement ensemble important nouveau nouvelle prochain prochaine
dernier dernière premier première grand grande petit petite bon bonne meilleur meilleure simple rapide
lent difficile facile possible nécessaire utile intéressant clair prêt disponible ouvert fermé complet
interne externe local national international mondial européen français anglais bilingue
présenter partager proposer organiser préparer lancer terminer valider vérifier tester corriger livrer
déployer publier envoyer recevoir lire écrire répondre demander expliquer comprendre apprendre améliorer
simplifier automatiser mesurer suivre planifier décider choisir acheter vendre signer payer rembourser
rejoindre quitter accueillir remercier féliciter inviter participer contribuer aider soutenir
l'équipe l'entreprise l'application l'agence l'outil l'année l'objectif l'incident d'accord d'ailleurs
aujourd'hui jusqu'à lorsqu'on presqu'île s'inscrire d'abord l'idée l'ordre l'atelier
ressources humaines collaborateur collaboratrice salarié salariée emploi poste candidature entretien
onboarding intégration mentorat parrainage carrière évolution promotion mobilité compétence talent
employé employés réseaux réseau système systèmes serveurs clients projets équipes réunions données
développement développeur développeuse produit design expérience utilisateur accessibilité
durable environnement carbone recyclage déchets tri éco-conception sobriété numérique""".split()
EN_CONTENT = """project team customer meeting data security budget planning delivery production training
hiring week year month day morning evening question answer idea proposal presentation document file report
feedback goal result figure sale purchase contract partner supplier service product version launch demo
workshop session office site branch headquarters remote travel trip room coffee lunch break update point
topic agenda account lead management manager colleague intern company group subsidiary market competition
strategy vision value culture quality process procedure tool software application platform server network
database code test bug fix incident outage alert monitoring deployment migration architecture infrastructure
cloud backup access password licence support ticket request approval signature invoice payment refund
expenses leave absence calendar appointment call email newsletter intranet announcement communication
event seminar conference fair webinar tutorial guide documentation wiki page link spreadsheet chart metric
dashboard analysis study survey poll opinion comment vote decision priority urgency deadline milestone step
phase sprint iteration retrospective review kickoff wrap-up quarter forecast growth revenue margin cost saving
investment risk opportunity challenge success failure lesson experience advice help support thanks congrats
welcome arrival farewell birthday party committee board agreement negotiation offer quote order stock
warehouse logistics shipping truck parcel factory plant machine maintenance energy power heating building
parking bike carpool train subway bus commute schedule on-call night weekend holiday summer winter spring
autumn monday tuesday wednesday thursday friday today tomorrow yesterday soon recently finally quickly
simply really clearly together important next last first great small good better best simple fast slow
hard easy possible necessary useful interesting clear ready available open closed complete internal external
local national international global european french english bilingual present share propose organise prepare
ship finish validate check fix deliver deploy publish send receive read write reply ask explain understand
learn improve simplify automate measure track plan decide choose buy sell sign pay reimburse join leave
host thank invite attend contribute onboarding mentoring career growth promotion mobility skill talent
employee employees networks network system systems servers customers projects teams meetings developer
development design user accessibility sustainability environment carbon recycling waste footprint
roadmap backlog stakeholder alignment bandwidth deliverable scope release rollout rollback hotfix
postmortem runbook playbook handover sync standup all-hands town-hall offsite brainstorm feature
performance latency throughput capacity scaling cache queue pipeline build repository branch merge
contractor vendor procurement compliance audit policy privacy consent retention governance""".split()

HASHTAGS = """réunion release onboarding sécurité durable cafe engineering recrutement formation télétravail
incident produit design data ventes marketing rh afterwork bienvenue merci sprint demo roadmap qualité
accessibilité innovation hackathon covoiturage vélo déjeuner conférence webinaire clients support infra
cloud python postgresql kubernetes mobile ux finance budget achats juridique rgpd privacy compliance
allhands townhall offsite brainstorm feedback retrospective kudos bravo anniversaire pot trimestre
objectifs okr stratégie transformation agile lean devops sre monitoring astreinte postmortem
documentation wiki tutoriel tips astuce lecture podcast livre musique sport running yoga jardin
photo voyage vacances rentrée été hiver noël nouvelan environnement carbone recyclage sobriété
bénévolat solidarité diversité inclusion égalité mentorat carrière mobilité talents leadership
management communication newsletter intranet agora""".split()

PHRASES_FR = ["mise en production", "retour d'expérience", "point d'étape", "ordre du jour", "prise de parole",
              "comité de direction", "revue de code", "plan d'action", "compte rendu", "fin de trimestre",
              "réunion d'équipe", "gestion de projet", "expérience utilisateur", "nouvelle version",
              "service client", "salle de réunion", "semaine prochaine", "bonne nouvelle"]
PHRASES_EN = ["lessons learned", "quarterly review", "code review", "action plan", "release notes",
              "team meeting", "customer success", "user experience", "next week", "good news",
              "status update", "all hands meeting", "on-call rotation", "root cause analysis"]

# Invented words: project names, jargon and typos make the long tail a real corpus has.
_ONSETS = ["b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "j", "k", "l", "m", "n", "p", "pl", "pr",
           "qu", "r", "s", "st", "t", "tr", "v", "vr", "z"]
_VOWELS = ["a", "e", "i", "o", "u", "ou", "ai", "eau", "é", "è", "an", "on", "in", "ea", "ee", "oo", "y"]
_CODAS = ["", "", "", "n", "r", "l", "s", "x", "t", "que", "tte", "ck", "ng", "sh", "ine", "ard", "ix", "eur"]
TAIL_SIZE = 40_000
TAIL_FACTOR = 0.12


def invented_words(count: int, language: str) -> list[str]:
    """`count` distinct pronounceable made-up words, the same on every run."""
    rng = random.Random(f"agora-seed-tail-{language}")
    seen: set[str] = set()
    words: list[str] = []
    while len(words) < count:
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        word += rng.choice(_CODAS)
        if len(word) > 3 and word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Zipf:
    """Draw items by Zipf–Mandelbrot rank weights (1 / (rank + q) ** s)."""

    def __init__(self, items: list, s: float = 1.0, q: float = 2.7, tail_from: int | None = None,
                 tail_factor: float = 1.0):
        self.items = list(items)
        tail_from = len(self.items) if tail_from is None else tail_from
        self.cum = list(accumulate((tail_factor if rank >= tail_from else 1.0) / ((rank + 1 + q) ** s)
                                   for rank in range(len(self.items))))

    def draw(self, rng: random.Random, k: int = 1) -> list:
        return rng.choices(self.items, cum_weights=self.cum, k=k)

    def one(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum, k=1)[0]


def _unique(words: list[str]) -> list[str]:
    return list(dict.fromkeys(w for w in words if w))


def _ranked(function: list[str], content: list[str]) -> list[str]:
    """Function words first, with the workplace's most common nouns among them ("projet" is everywhere)."""
    ranked = list(function)
    for n, word in enumerate(content[:6]):
        ranked.insert(14 + 6 * n, word)
    return _unique(ranked + content[6:])


class Vocabulary:
    """Both languages' ranked words (function words, work vocabulary, invented tail), tags and phrases."""

    def __init__(self, tail_size: int = TAIL_SIZE):
        fr = _ranked(FR_FUNCTION, FR_CONTENT)
        en = _ranked(EN_FUNCTION, EN_CONTENT)
        # The invented tail carries about a tenth of the words, as names, jargon and typos do in real text.
        self.words = {
            "fr": Zipf(fr + [w for w in invented_words(tail_size, "fr") if w not in set(fr)], tail_from=len(fr),
                       tail_factor=TAIL_FACTOR),
            "en": Zipf(en + [w for w in invented_words(tail_size, "en") if w not in set(en)], tail_from=len(en),
                       tail_factor=TAIL_FACTOR),
        }
        self.hashtags = Zipf(_unique(HASHTAGS), s=1.1)
        self.phrases = {"fr": Zipf(PHRASES_FR), "en": Zipf(PHRASES_EN)}
        # Words the benchmark searches for: a frequent content word and a phrase of each language.
        self.common_word = {"fr": "projet", "en": "project"}
        self.phrase = {"fr": PHRASES_FR[0], "en": PHRASES_EN[0]}
        # Planted in a handful of posts only: the "rare word" query.
        self.rare_word = "ornithorynque"


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shared vocabulary (read-only; building it takes a second)."""
    return Vocabulary()
