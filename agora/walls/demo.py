"""Demo content for walls: spaces, posts in French and English, comments, replies, reactions, follows."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from agora.core.time import utcnow
from agora.extensions import db
from agora.spaces.models import Space
from agora.walls.models import REACTION_KINDS, Post

# The first post of each space spaces/demo.py creates, by one of its moderators.
SPACE_POSTS = {
    "ventes": ["Objectif du trimestre atteint à 92 %, bravo à toutes et à tous ! #ventes"],
    "lancement-produit": ["Launch checklist v3: press kit due on the 12th. Please keep this confidential. #launch"],
    "comite-direction": ["Ordre du jour du prochain comité : budget 2027 et réorganisation du support."],
    "running-club": ["Sortie de 8 km jeudi midi depuis le bureau de Paris, tous niveaux bienvenus 🏃 #running"],
}
SPACES = [
    ("general", "Général · General", "Toute l'entreprise, company-wide news and chat."),
    ("engineering", "Engineering", "Architecture, releases, incidents and tooling."),
    ("cafe", "Le café", "Pauses, sorties, bonnes adresses : la vie au bureau."),
    ("sustainability", "Sustainability · Développement durable", "Reducing our footprint together."),
]
POSTS = [
    "Bienvenue à toutes et à tous sur Agora ! Dites-nous ce que vous en pensez. #agora",
    "Who else is going to the **quarterly review** on Thursday? Slides are in the shared drive. #réunion",
    "La nouvelle machine à café est arrivée au 3e étage ☕ #cafe",
    "Reminder: the release freeze starts Friday at noon. Ping {m} if you need an exception. #release",
    "Merci {m} pour l'aide sur le dossier client hier, c'était précieux !",
    "We cut our build time from 14 to 6 minutes by caching dependencies:\n\n```\nmake deps-cache\n```\n#engineering",
    "Quelqu'un a une bonne adresse pour un déjeuner d'équipe près de la gare ? #déjeuner",
    "Our team is piloting 'no-meeting Wednesdays'. Early results: more focus, fewer context switches. #réunion",
    "Objectif : -20 % de déplacements en avion cette année. Vos idées ? #durable",
    "New joiner here 👋 Happy to meet everyone. I'm working with {m} on onboarding.",
    "> Simplicity is prerequisite for reliability.\n\nGood read for the week-end. #engineering",
    "Le covoiturage du lundi matin cherche encore deux personnes depuis Lyon. #durable",
]
COMMENTS = [
    "Excellente idée !", "Thanks for sharing.", "Je suis partant·e.", "+1, count me in.",
    "Can you share the link?", "Bravo à toute l'équipe 👏", "Interesting, tell us more.",
    "On en parle à la prochaine réunion ?", "Agreed with {m}.",
]
REPLIES = ["Merci !", "Sure, here it is.", "Oui, bonne idée.", "Will do."]


def _text(template: str, rng, people) -> str:
    return template.format(m="@" + rng.choice(people).handle)


def populate(people, rng) -> None:
    """Fill walls for `people` through the services, so the same rules and sanitising apply."""
    from agora.follows.services import follow
    from agora.spaces.services import create_space, moderators_of
    from agora.walls import comments, reactions, services

    if len(people) < 3:
        return
    for slug, bodies in SPACE_POSTS.items():
        space = db.session.scalar(select(Space).where(Space.slug == slug))
        if space is None or db.session.scalar(select(Post.id).where(Post.space_id == space.id).limit(1)):
            continue  # not a demo space, or one that already has its own posts
        moderators = moderators_of(space)
        for body in bodies if moderators else []:
            services.create_post(moderators[0], space=space, body=body)
    spaces = []
    for slug, name, description in SPACES:
        space = db.session.scalar(select(Space).where(Space.slug == slug))
        spaces.append(space or create_space(slug, name, description))
    now = utcnow()
    posts = []
    for i in range(36):
        author = rng.choice(people)
        where = rng.random()
        wall = ({"space": rng.choice(spaces)} if where < 0.55 else
                {"person": author} if where < 0.85 else {"person": rng.choice(people)})
        post = services.create_post(author, body=_text(POSTS[i % len(POSTS)], rng, people), **wall)
        post.created_at = now - timedelta(hours=(36 - i) * 5, minutes=rng.randint(0, 59))
        posts.append(post)
        for _ in range(rng.randint(0, 4)):
            commenter = rng.choice(people)
            comment = comments.add_comment(commenter, post, _text(rng.choice(COMMENTS), rng, people))
            comment.created_at = post.created_at + timedelta(minutes=rng.randint(5, 240))
            if rng.random() < 0.4:
                reply = comments.add_comment(author, post, rng.choice(REPLIES), comment.id)
                reply.created_at = comment.created_at + timedelta(minutes=rng.randint(1, 60))
            if rng.random() < 0.5:
                reactions.set_reaction(rng.choice(people), comment, "like")
        for reader in rng.sample(people, k=min(len(people), rng.randint(0, 8))):
            reactions.set_reaction(reader, post, rng.choice(REACTION_KINDS))
    for post in rng.sample(posts, k=3):
        sharer = rng.choice(people)
        shared = services.share_post(sharer, post, person=sharer, body="À lire / worth reading")
        shared.created_at = post.created_at + timedelta(hours=rng.randint(1, 5))
    for person in people:
        for other in rng.sample(people, k=min(len(people), 4)):
            if other.id != person.id:
                follow(person, "person", other.handle)
        for space in rng.sample(spaces, k=2):
            follow(person, "space", space.slug)
        follow(person, "hashtag", rng.choice(["réunion", "engineering", "durable", "cafe"]))
