"""Who the seeded company is made of: names, departments with their titles and skills, places, space themes."""
from __future__ import annotations

FIRST_FR = """Hélène Thomas Nadia Julien Émilie Sophie Karim Chloé Inès Antoine Léa Mathieu Hugo Zoé Samuel Aïcha
Camille François Noah Claire Yasmine Pierre-Louis Isabelle Manon Sarah Lucas Gabriel Jeanne Rafael Anaïs Victor
Marie Nicolas Julie Alexandre Laura Maxime Pauline Romain Marion Guillaume Céline Vincent Aurélie Sébastien
Élodie Jérôme Mélanie Olivier Caroline Benoît Audrey Florian Margaux Quentin Lucie Arnaud Justine Baptiste
Clémence Adrien Amandine Damien Charlotte Cédric Émeline Thibault Agathe Rémi Solène Yann Maëlle Loïc Océane
Bastien Coralie Kévin Nathalie Frédéric Sandrine Mehdi Fatima Youssef Leïla Omar Salomé Théo Inaya Malik""".split()
FIRST_EN = """Oliver Liam Priya Grace Daniel Elena James Charlotte Emily Jack Harry George Amelia Olivia Isla Ava
Jessica Thomas William Joshua Sophie Chloe Lucy Ella Mia Ethan Noah Jacob Mason Logan Lily Hannah Megan Ruby
Alice Freya Evie Rosie Poppy Daisy Matthew Ryan Adam Luke Connor Callum Kieran Rhys Owen Ben Sam Alex Jordan
Taylor Morgan Casey Jamie Riley Ravi Anjali Arjun Meera Wei Mei Hiroshi Yuki Kwame Amara Chidi Zainab Tomasz
Agnieszka Lars Ingrid Mateo Lucía Diego Carmen Marco Giulia Ahmed Layla Sean Siobhan Fiona Gareth""".split()
LAST_FR = """Marchand Benali Moreau Rousseau Lefèvre Haddad Gagnon Silva Girard Fontaine Lambert Petit Mercier
Côté Diallo Nguyen Béranger Laurent Dubois Chérif Garnier Pelletier Roux Lévy Bernard Roy Morel Santos Perrin
Henry Martin Durand Leroy Simon Michel Lefebvre Garcia David Bertrand Robert Richard Dupont Faure André
Blanc Guerin Muller Boyer Chevalier François Legrand Gauthier Perrot Clément Gaillard Brun Barbier Arnaud
Renaud Giraud Roche Vidal Schmitt Colin Lemoine Picard Roussel Noël Meunier Lucas Caron Mathieu Aubert
Tremblay Bouchard Gauthier Lavoie Fortin Ouellet Bélanger Leclerc Boucher Poirier Benoît Mallet Hamel
Bensaïd Amrani Kaci Traoré Keita Touré Ndiaye Camara Mendes Ferreira Pereira Oliveira Lopes Marques""".split()
LAST_EN = """Whitfield Bennett O'Connor Raman Okafor Kowalski Rossi Evans Carter Smith Jones Williams Taylor Brown
Davies Wilson Johnson Roberts Walker Wright Robinson Thompson White Hughes Edwards Green Hall Wood Harris
Clarke Jackson Turner Hill Moore Cooper Ward Morris King Watson Harrison Morgan Baker Young Allen Mitchell
Anderson Campbell Stewart Murray Kelly Patel Singh Shah Khan Ahmed Ali Chen Wang Li Zhang Tanaka Sato Kim
Park Mensah Adeyemi Novak Nowak Jensen Hansen Larsen Fernández López Moretti Bianchi Murphy Byrne Quinn""".split()

# (department, head's title, team lead's title, staff titles, skills)
DEPARTMENTS = [
    ("Direction", "Directrice générale", "Chief of Staff", ["Assistante de direction", "Chargé de mission",
     "Executive Assistant"], ["Stratégie", "Leadership", "Gouvernance", "Conduite du changement",
     "Public speaking", "Négociation"]),
    ("Ventes", "Directeur commercial", "Responsable grands comptes", ["Account Executive", "Chargée d'affaires",
     "Ingénieur d'affaires", "Sales Development Representative", "Assistante commerciale"],
     ["Négociation", "Prospection", "CRM", "Grands comptes", "Salesforce", "Appels d'offres", "Pricing",
      "Closing"]),
    ("Ingénierie", "Directeur technique", "Engineering Manager", ["Développeur backend", "Développeuse frontend",
     "Site Reliability Engineer", "Développeur mobile", "QA Engineer", "Architecte logiciel"],
     ["Python", "PostgreSQL", "Flask", "Kubernetes", "React", "Linux", "CI/CD", "Architecture logicielle",
      "Tests automatisés", "Go", "Rust", "TypeScript"]),
    ("Ressources humaines", "Directrice des ressources humaines", "Responsable recrutement",
     ["Chargée de recrutement", "Gestionnaire paie", "HR Business Partner", "Chargée de formation",
      "Conseillère RH"], ["Recrutement", "Droit du travail", "Paie", "Formation", "Onboarding",
                          "Gestion des talents", "Médiation", "Qualité de vie au travail"]),
    ("Marketing", "Directrice marketing", "Responsable communication", ["Content Marketing Manager",
     "Spécialiste SEO", "Graphiste", "Community manager", "Analyste marketing", "Chef de produit marketing"],
     ["SEO", "Rédaction", "Événementiel", "Réseaux sociaux", "Branding", "Google Analytics", "Vidéo"]),
    ("Finance", "Chief Financial Officer", "Responsable contrôle de gestion", ["Contrôleur de gestion",
     "Comptable", "Financial Analyst", "Trésorier", "Auditrice interne"], ["Comptabilité", "Contrôle de gestion",
     "Trésorerie", "IFRS", "Excel avancé", "Consolidation", "Fiscalité"]),
    ("Juridique", "Directrice juridique", "Responsable conformité", ["Juriste", "Paralegal", "Legal Counsel",
     "Délégué à la protection des données"], ["Droit des contrats", "RGPD", "Propriété intellectuelle",
     "Conformité", "Droit social", "Contentieux"]),
    ("Support client", "Head of Customer Support", "Responsable d'équipe support", ["Conseiller client",
     "Support Engineer", "Technicienne support", "Customer Success Manager"], ["Relation client", "Zendesk",
     "Résolution de problèmes", "Customer success", "Escalade", "Base de connaissances"]),
    ("Produit", "VP Product", "Group Product Manager", ["Product Manager", "Product Owner", "Designer UX",
     "UX Researcher", "Product Analyst"], ["Product management", "UX design", "Recherche utilisateur",
     "Accessibilité", "Figma", "Roadmapping", "Discovery"]),
    ("Data", "Chief Data Officer", "Lead Data Scientist", ["Data Scientist", "Data Engineer", "Data Analyst",
     "Machine Learning Engineer"], ["Machine learning", "SQL", "Python", "Statistiques", "Spark", "dbt",
     "Visualisation de données", "Power BI"]),
    ("Sécurité", "CISO", "Responsable SOC", ["Security Engineer", "Analyste SOC", "Pentester",
     "Architecte sécurité"], ["Sécurité", "Pentest", "SIEM", "Gestion des vulnérabilités", "ISO 27001",
     "Cryptographie"]),
    ("IT interne", "DSI", "Responsable infrastructure", ["Administrateur systèmes", "Technicien helpdesk",
     "Ingénieur réseau", "Administratrice Microsoft 365"], ["Réseaux", "Active Directory", "Microsoft 365",
     "Linux", "Virtualisation", "ITIL", "Sauvegarde"]),
    ("Achats", "Directeur des achats", "Responsable achats indirects", ["Acheteur", "Acheteuse projet",
     "Procurement Specialist"], ["Achats", "Négociation", "Sourcing", "Gestion fournisseurs", "SAP"]),
    ("Logistique", "Directrice supply chain", "Responsable entrepôt", ["Gestionnaire de stock",
     "Planificateur", "Logistics Coordinator", "Cariste"], ["Supply chain", "Gestion de stock", "Transport",
     "Lean", "WMS", "Prévision de la demande"]),
    ("Production", "Directeur industriel", "Chef d'atelier", ["Technicien de maintenance", "Opératrice",
     "Ingénieur méthodes", "Responsable qualité"], ["Maintenance", "Lean", "Qualité", "Six Sigma",
     "Automatisme", "Sécurité au travail"]),
    ("Communication", "Directrice de la communication", "Responsable communication interne",
     ["Chargée de communication", "Rédacteur", "Vidéaste", "Attachée de presse"], ["Communication interne",
     "Relations presse", "Rédaction", "Vidéo", "Photographie", "Prise de parole"]),
    ("Partenariats", "Head of Partnerships", "Partner Manager", ["Alliance Manager", "Channel Account Manager",
     "Chargée de partenariats"], ["Partenariats", "Négociation", "Écosystème", "Co-marketing"]),
    ("Recherche", "Directeur R&D", "Responsable laboratoire", ["Chercheur", "Ingénieure R&D", "Doctorant CIFRE",
     "Research Engineer"], ["Recherche", "Brevets", "Prototypage", "Machine learning", "Publication scientifique"]),
    ("Qualité", "Directrice qualité", "Responsable amélioration continue", ["Auditeur qualité", "Quality Engineer",
     "Technicienne qualité"], ["ISO 9001", "Amélioration continue", "Audit", "Lean", "Gestion des risques"]),
    ("Services généraux", "Responsable des services généraux", "Office Manager", ["Assistant services généraux",
     "Chargée d'accueil", "Facility Manager"], ["Gestion des locaux", "Accueil", "Événementiel",
     "Développement durable"]),
]
COMMON_SKILLS = ["Excel", "Gestion de projet", "Anglais des affaires", "Prise de parole", "Agilité",
                 "Animation d'atelier", "Mentorat", "Écriture", "Espagnol", "Allemand"]

# (city, weight, phone prefix, languages spoken, preferred interface language or None)
LOCATIONS = [
    ("Paris", 34, "+33 1", ["Français", "English"], None),
    ("Lyon", 14, "+33 4", ["Français", "English"], "fr"),
    ("London", 14, "+44 20", ["English", "Français"], "en"),
    ("Montréal", 11, "+1 514", ["Français", "English"], "fr"),
    ("Bordeaux", 6, "+33 5", ["Français"], "fr"),
    ("Lille", 5, "+33 3", ["Français", "English"], "fr"),
    ("Nantes", 5, "+33 2", ["Français"], "fr"),
    ("Toulouse", 5, "+33 5", ["Français", "Español"], "fr"),
    ("Bruxelles", 3, "+32 2", ["Français", "Nederlands", "English"], None),
    ("Genève", 3, "+41 22", ["Français", "Deutsch", "English"], None),
]
EXTRA_LANGUAGES = ["Español", "Deutsch", "Italiano", "العربية", "Português", "中文", "Polski", "Nederlands"]
ASK_ME_ABOUT = ["le vélo en ville", "la cuisine lyonnaise", "les jeux de société", "la photographie argentique",
                "le trail", "les podcasts", "le jardinage sur balcon", "la musique baroque", "l'escalade",
                "les bandes dessinées", "cycling to work", "board games", "sourdough baking", "jazz piano",
                "science fiction", "chess", "birdwatching", "le tricot", "la randonnée", "le théâtre d'impro"]
BIOS = {
    "fr": ["Je travaille à **{location}** comme {title}. Je m'occupe surtout de *{skill}*.\n\n"
           "- N'hésitez pas à m'écrire pour parler de {ask}.\n- Mon équipe : {department}.",
           "Bonjour ! {title} à {location}.\n\nMes sujets du moment : **{skill}** et **{skill2}**.",
           "{title}, basé·e à {location} depuis {years} ans.\n\n> « Seul on va plus vite, ensemble on va plus "
           "loin. »\n\nJe peux vous aider sur *{skill}*."],
    "en": ["I'm {title} based in **{location}**, mostly working on *{skill}*.\n\n"
           "- Happy to chat about {ask}.\n- Team: {department}.",
           "Hello! {title} in {location}.\n\nCurrently focused on **{skill}** and **{skill2}**.",
           "{title} in {location} for {years} years.\n\n> Strong opinions, loosely held.\n\n"
           "Ask me anything about *{skill}*."],
}

# Space themes beyond department spaces: (slug stem, name, description, visibility)
SPACE_THEMES = [
    ("general", "Général · General", "Toute l'entreprise, company-wide news and chat.", "open"),
    ("cafe", "Le café", "Pauses, sorties, bonnes adresses : la vie au bureau.", "open"),
    ("engineering", "Engineering", "Architecture, releases, incidents and tooling.", "open"),
    ("sustainability", "Développement durable · Sustainability", "Réduire notre empreinte ensemble.", "open"),
    ("velo", "Vélotaf", "Aller au travail à vélo : itinéraires, ateliers, matériel.", "open"),
    ("books", "Club de lecture · Book club", "Ce qu'on lit, ce qu'on recommande.", "open"),
    ("running", "Running", "Sorties du midi et courses d'entreprise.", "open"),
    ("parents", "Parents", "Entraide entre parents : crèches, vacances, astuces.", "open"),
    ("newcomers", "Nouveaux arrivants · Newcomers", "Questions de la première semaine.", "open"),
    ("it-help", "Entraide informatique", "Ordinateur, VPN, imprimantes : on s'entraide.", "open"),
    ("project", "Projet", "Espace de travail d'un projet.", "closed"),
    ("committee", "Comité", "Travaux d'un comité interne.", "closed"),
    ("guild", "Guilde", "Communauté de pratique.", "closed"),
    ("taskforce", "Task force", "Cellule de travail temporaire.", "secret"),
    ("deal", "Affaire", "Négociation confidentielle.", "secret"),
]
PROJECT_NAMES = ["Atlas", "Boréal", "Cassiopée", "Delta", "Éole", "Phénix", "Gaïa", "Hélios", "Iris", "Jupiter",
                 "Kepler", "Lumière", "Mistral", "Nova", "Orion", "Pégase", "Quasar", "Rhône", "Sirius",
                 "Tramontane", "Ulysse", "Véga", "Zéphyr", "Alizé", "Comète", "Aurore", "Galileo", "Mercure"]
REPORT_TEXTS = ["Ce message contient des informations confidentielles.", "Propos déplacés envers un collègue.",
                "Spam commercial.", "This shares a customer's personal data.", "Off-topic advertising.",
                "Ton agressif, merci de modérer."]
HIDE_REASONS = {"confidential": "Informations confidentielles (données client).",
                "harassment": "Propos irrespectueux envers un collègue.",
                "spam": "Publicité sans rapport avec l'espace.",
                "other": "Hors sujet, déplacé vers le bon espace."}
