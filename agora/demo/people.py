"""Who works at the demo company: names, titles, departments, the management chain, what they know."""
from __future__ import annotations

DOMAIN = "agora.example"
ADMIN_EMAIL = f"admin@{DOMAIN}"
DEMO_PASSWORD = "agora-demo-2026"

DIRECTION = "Direction"
SALES = "Ventes"
ENGINEERING = "Ingénierie"
HR = "Ressources humaines"
MARKETING = "Marketing"
DEPARTMENTS = (DIRECTION, SALES, ENGINEERING, HR, MARKETING)

# (key, name, title, department, manager key, location, preferred language or None, email local part or None)
PEOPLE: list[tuple] = [
    ("ceo", "Hélène Marchand", "Directrice générale", DIRECTION, None, "Paris", "fr", None),
    ("cfo", "Thomas Whitfield", "Chief Financial Officer", DIRECTION, "ceo", "London", "en", None),
    ("coo", "Nadia Benali", "Directrice des opérations", DIRECTION, "ceo", "Paris", None, None),
    # Sales
    ("sales", "Julien Moreau", "Directeur commercial", SALES, "ceo", "Lyon", "fr", None),
    ("s1", "Émilie Rousseau", "Responsable grands comptes", SALES, "sales", "Paris", None, None),
    ("s2", "Oliver Bennett", "Account Executive", SALES, "sales", "London", "en", None),
    ("s3", "Marc-André Tremblay", "Directeur des ventes Amérique du Nord", SALES, "sales", "Montréal", "fr", None),
    ("s4", "Sophie Lefèvre", "Chargée d'affaires", SALES, "s1", "Lyon", None, None),
    ("s5", "Karim Haddad", "Ingénieur d'affaires", SALES, "s1", "Paris", None, None),
    ("s6", "Chloé Gagnon", "Représentante commerciale", SALES, "s3", "Montréal", "fr", None),
    ("s7", "Liam O'Connor", "Sales Development Representative", SALES, "s2", "London", "en", None),
    ("s8", "Inès Da Silva", "Assistante commerciale", SALES, "sales", "Lyon", None, None),
    # Engineering
    ("cto", "Antoine Girard", "Directeur technique", ENGINEERING, "ceo", "Paris", None, None),
    ("e1", "Priya Raman", "Engineering Manager, Platform", ENGINEERING, "cto", "London", "en", None),
    ("e2", "Léa Fontaine", "Responsable d'équipe Produit", ENGINEERING, "cto", "Lyon", "fr", None),
    ("e3", "Mathieu Lambert", "Développeur backend", ENGINEERING, "e1", "Paris", None, None),
    ("e4", "Grace Okafor", "Site Reliability Engineer", ENGINEERING, "e1", "London", "en", None),
    ("e5", "Hugo Petit", "Administrateur systèmes", ENGINEERING, "e1", "Paris", None, "admin"),
    ("e6", "Zoé Mercier", "Développeuse frontend", ENGINEERING, "e2", "Lyon", "fr", None),
    ("e7", "Samuel Côté", "Développeur mobile", ENGINEERING, "e2", "Montréal", None, None),
    ("e8", "Aïcha Diallo", "Data Scientist", ENGINEERING, "e2", "Paris", None, None),
    ("e9", "Daniel Kowalski", "QA Engineer", ENGINEERING, "e1", "London", None, None),
    ("e10", "Camille Nguyen", "Designer UX", ENGINEERING, "e2", "Lyon", None, None),
    ("e11", "François Béranger", "Architecte logiciel", ENGINEERING, "cto", "Paris", "fr", None),
    ("e12", "Elena Rossi", "Security Engineer", ENGINEERING, "e1", "Montréal", "en", None),
    ("e13", "Noah Laurent", "Développeur alternant", ENGINEERING, "e3", "Paris", None, None),
    # HR
    ("hr", "Claire Dubois", "Directrice des ressources humaines", HR, "ceo", "Paris", "fr", None),
    ("h1", "Yasmine Chérif", "Responsable recrutement", HR, "hr", "Lyon", None, None),
    ("h2", "Pierre-Louis Garnier", "Gestionnaire paie", HR, "hr", "Paris", None, None),
    ("h3", "Isabelle Pelletier", "Conseillère RH", HR, "hr", "Montréal", "fr", None),
    ("h4", "James Carter", "HR Business Partner", HR, "hr", "London", "en", None),
    ("h5", "Manon Roux", "Chargée de formation", HR, "h1", "Lyon", None, None),
    # Marketing
    ("mkt", "Sarah Lévy", "Directrice marketing", MARKETING, "ceo", "Paris", None, None),
    ("m1", "Lucas Bernard", "Responsable communication", MARKETING, "mkt", "Paris", "fr", None),
    ("m2", "Charlotte Evans", "Content Marketing Manager", MARKETING, "mkt", "London", "en", None),
    ("m3", "Gabriel Roy", "Spécialiste SEO", MARKETING, "m1", "Montréal", None, None),
    ("m4", "Jeanne Morel", "Cheffe de projet événementiel", MARKETING, "m1", "Lyon", None, None),
    ("m5", "Rafael Santos", "Graphiste", MARKETING, "m2", "Paris", None, None),
    ("m6", "Anaïs Perrin", "Community manager", MARKETING, "m2", "Lyon", "fr", None),
    ("m7", "Victor Henry", "Analyste marketing", MARKETING, "mkt", "Paris", None, None),
]

SKILLS = {
    DIRECTION: ["Stratégie", "Leadership", "Finance d'entreprise", "Négociation", "Gouvernance",
                "Conduite du changement", "Public speaking"],
    SALES: ["Négociation", "Prospection", "CRM", "Grands comptes", "Customer success", "Salesforce",
            "Appels d'offres", "Pricing"],
    ENGINEERING: ["Python", "PostgreSQL", "Flask", "Kubernetes", "Réseaux", "Sécurité", "React",
                  "Machine learning", "Accessibilité", "Linux", "CI/CD", "C++", "Architecture logicielle",
                  "Tests automatisés", "UX design"],
    HR: ["Recrutement", "Droit du travail", "Paie", "Formation", "Onboarding", "Gestion des talents",
         "Qualité de vie au travail", "Médiation"],
    MARKETING: ["SEO", "Rédaction", "Événementiel", "Réseaux sociaux", "Analyse de données", "Branding",
                "Photographie", "Vidéo", "Google Analytics"],
}
COMMON_SKILLS = ["Excel", "Gestion de projet", "Anglais des affaires", "Prise de parole", "Agilité"]

LANGUAGES = {
    "Paris": ["Français", "English"],
    "Lyon": ["Français", "English"],
    "Montréal": ["Français", "English"],
    "London": ["English", "Français"],
}
EXTRA_LANGUAGES = ["Español", "Deutsch", "Italiano", "العربية", "Português", "中文", "Polski"]

ASK_ME_ABOUT = {
    "fr": ["le vélo en ville", "la cuisine lyonnaise", "les jeux de société", "la photographie argentique",
           "le trail", "les podcasts", "le jardinage sur balcon", "la musique baroque", "l'escalade",
           "les bandes dessinées"],
    "en": ["cycling to work", "board games", "sourdough baking", "film photography", "trail running",
           "podcasts", "balcony gardening", "jazz piano", "climbing", "science fiction"],
}
PHONE_PREFIX = {"Paris": "+33 1", "Lyon": "+33 4", "Montréal": "+1 514", "London": "+44 20"}

BIO_FR = [
    "Je travaille à **{location}** comme {title_lower}. Je m'occupe surtout de *{skill}*.\n\n"
    "Avant d'arriver ici, j'ai passé {years} ans dans {previous}.\n\n"
    "- N'hésitez pas à m'écrire pour parler de {ask}.\n- Mon équipe : {department}.",
    "Bonjour ! {title} à {location}.\n\nMes sujets du moment : **{skill}** et **{skill2}**. "
    "Je partage volontiers ce que j'apprends — passez me voir ou écrivez-moi.",
    "{title}, basé·e à {location} depuis {years} ans.\n\n> « Seul on va plus vite, ensemble on va plus loin. »\n\n"
    "Je peux vous aider sur *{skill}*.",
]
BIO_EN = [
    "I'm {title_lower} based in **{location}**, mostly working on *{skill}*.\n\n"
    "Before joining, I spent {years} years in {previous_en}.\n\n"
    "- Happy to chat about {ask}.\n- Team: {department}.",
    "Hello! {title} in {location}.\n\nCurrently focused on **{skill}** and **{skill2}**. "
    "Drop me a message if you want to compare notes.",
    "{title} in {location} for {years} years.\n\n> Strong opinions, loosely held.\n\nAsk me anything about *{skill}*.",
]
PREVIOUS_FR = ["une start-up nantaise", "un cabinet de conseil", "l'industrie automobile", "une banque",
               "une agence web", "le secteur public", "une ONG"]
PREVIOUS_EN = ["a London start-up", "a consulting firm", "retail banking", "a design agency",
               "the public sector", "a charity", "a games studio"]

# Photo background colours: dark enough for white initials to pass WCAG contrast.
COLOURS = ["#1d4e89", "#6a1b9a", "#00695c", "#8e2424", "#37474f", "#4e342e", "#283593", "#2e7d32", "#ad1457"]
