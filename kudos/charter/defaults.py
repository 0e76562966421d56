"""The charter a new company starts from, in French and English: version 1 of each language
until an admin saves a change. Written from docs/principles.md and the article the product
comes from ("si on m'explique le rôle à avoir", never mandatory, never in free time, no
carrot), so that admins adapt it rather than write it from nothing.

These are texts, not interface strings: an admin edits them in Kudos, so they live here
whole rather than in the message catalogue.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultCharter:
    title: str
    summary: str
    body: str


def _french_spacing(text: str) -> str:
    """A narrow no-break space before : ; ? ! and inside « », as French typography (and the
    catalogue) wants, so that the punctuation never starts a line."""
    for mark in ":;?!»":
        text = text.replace(f" {mark}", f"\u202f{mark}")
    return text.replace("« ", "«\u202f")


EN = DefaultCharter(
    title="Our ambassador charter",
    summary="""\
- Being an ambassador means sharing, in your own words, what you find worth sharing about
  our work, and recognising your colleagues' work.
- It is **voluntary**: no quota, no reward, nobody keeps count. You can stop at any time.
- It happens **during your working time**, never in your evenings, weekends or holidays.
- Share what is already public, keep internal what is internal. **When in doubt, ask
  first.**
""",
    body="""\
## Why we do this

Every week, things happen here that deserve to be known: a project that worked, a
colleague's idea, a client we helped, something we learned. Nobody tells these stories
better than the people who live them. This programme is a simple way to stay informed, to
recognise each other's work and, when you feel like it, to relay it, inside the company or
on your own networks.

It is not a marketing campaign, and nobody expects you to become an influencer.

## Your role, if you want it

Being an ambassador means three things, each of them optional:

- **Keeping informed**: read the news, follow the topics you care about.
- **Recognising colleagues**: a thank-you or a highlight when someone's work helped you or
  deserves to be seen.
- **Relaying**: sharing a piece of news, a colleague's work or what you know, with the
  people around you.

You choose what you relay. Share what interests you, what you believe in, what says
something about you, not what you think is expected of you.

## Voluntary, always

- Taking part is never mandatory and never counts in anyone's evaluation.
- There are no quotas, no points, no prizes and no leaderboard. The reward is the
  recognition itself: you see the thanks you receive and how far your relays went, and
  that stays private.
- Team leads only see collective figures; nobody sees who did not take part.
- You can take a break, stop, or hide your profile at any time, in your settings.

## Part of your working time

Relaying a piece of news, writing a post or thanking a colleague is part of your work, and
it happens during your working hours. Nobody should do it in their evenings, at weekends or
on holiday. Kudos only sends its reminders within the working days and hours you set, and
it steps back after a busy period.

## What is fine to share outside

Go ahead with:

- news that has a public page in Kudos, and anything the company has already made public;
- a colleague's work, once they have agreed;
- what you know and how you work, in your own words: methods, lessons learned, your craft;
- job openings and events open to the public.

Please keep inside:

- figures, plans, prices and results that have not been announced;
- the names of clients, partners or suppliers, unless they have agreed to be named;
- internal documents, screenshots of internal tools, conversations and meeting notes;
- photos of colleagues or of our premises without the agreement of the people in them;
- anything about a colleague's personal situation, health or career.

When you are not sure, wait and ask. Nobody will ever hold it against you.

## In your own voice

- Speak as yourself: write "I", use your own words, change the suggested captions or ignore
  them.
- Say that you work here when you talk about our work: it is more honest, and more
  convincing.
- Your opinions are your own; you do not speak on behalf of the company unless that is your
  job.
- Stay courteous with everyone, competitors included. If a discussion turns sour, you do
  not have to answer: let the communication team know.
- A mistake in a post happens. Correct it openly or delete it, and move on.

## Who to ask

Your team lead, the communication team and the programme's admins are happy to answer your
questions, before you post or after. No question is too small.
""",
)

FR = DefaultCharter(
    title="Notre charte des ambassadrices et ambassadeurs",
    summary=_french_spacing("""\
- Être ambassadeur ou ambassadrice, c’est partager avec vos mots ce qui vous semble
  mériter d’être connu de notre travail, et saluer celui de vos collègues.
- C’est **volontaire** : ni quota, ni récompense, personne ne tient les comptes. Vous
  pouvez arrêter quand vous voulez.
- Cela se fait **sur votre temps de travail**, jamais le soir, le week-end ou en congés.
- Partagez ce qui est déjà public, gardez en interne ce qui est interne. **Dans le doute,
  demandez d’abord.**
"""),
    body=_french_spacing("""\
## Pourquoi cette démarche

Chaque semaine, il se passe ici des choses qui méritent d’être connues : un projet qui a
abouti, l’idée d’un ou d’une collègue, un client que nous avons aidé, quelque chose que nous
avons appris. Personne ne les raconte mieux que celles et ceux qui les vivent. Cette
démarche est une façon simple de rester informé, de reconnaître le travail des uns et des
autres et, quand vous en avez envie, de le relayer, en interne ou sur vos propres réseaux.

Ce n’est pas une campagne de marketing, et personne n’attend de vous que vous deveniez
influenceur.

## Votre rôle, si vous le souhaitez

Être ambassadeur ou ambassadrice, c’est trois choses, toutes facultatives :

- **S’informer** : lire les actualités, suivre les sujets qui vous intéressent.
- **Reconnaître le travail des collègues** : un merci ou une mise en avant quand le travail
  de quelqu’un vous a aidé ou mérite d’être vu.
- **Relayer** : partager une actualité, le travail d’un ou d’une collègue ou ce que vous
  savez, avec les personnes qui vous entourent.

C’est vous qui choisissez ce que vous relayez. Partagez ce qui vous intéresse, ce en quoi
vous croyez, ce qui dit quelque chose de vous, pas ce que vous pensez devoir partager.

## Toujours volontaire

- Participer n’est jamais obligatoire et n’entre jamais dans l’évaluation de qui que ce
  soit.
- Il n’y a ni quota, ni points, ni lots, ni classement. La récompense, c’est la
  reconnaissance elle-même : vous voyez les remerciements reçus et jusqu’où vos relais sont
  allés, et cela reste privé.
- Les responsables d’équipe ne voient que des chiffres collectifs ; personne ne voit qui n’a
  pas participé.
- Vous pouvez faire une pause, arrêter ou masquer votre profil à tout moment, dans vos
  réglages.

## Sur votre temps de travail

Relayer une actualité, écrire un billet ou remercier un ou une collègue fait partie de
votre travail, et se fait pendant vos heures de travail. Personne ne devrait s’y consacrer
le soir, le week-end ou en congés. Kudos n’envoie ses rappels que pendant les jours et
heures de travail que vous avez indiqués, et se fait plus discret après une période
chargée.

## Ce que l’on peut partager à l’extérieur

Allez-y pour :

- les actualités qui ont une page publique dans Kudos, et tout ce que l’entreprise a déjà
  rendu public ;
- le travail d’un ou d’une collègue, avec son accord ;
- ce que vous savez et votre façon de travailler, avec vos mots : méthodes, retours
  d’expérience, savoir-faire ;
- les offres d’emploi et les événements ouverts au public.

Gardez en interne :

- les chiffres, projets, prix et résultats qui n’ont pas été annoncés ;
- les noms des clients, partenaires ou fournisseurs, sauf s’ils ont accepté d’être cités ;
- les documents internes, les captures d’écran de nos outils, les conversations et comptes
  rendus de réunion ;
- les photos de collègues ou de nos locaux sans l’accord des personnes qui y figurent ;
- tout ce qui touche à la situation personnelle, à la santé ou à la carrière d’un ou d’une
  collègue.

Si vous avez un doute, attendez et demandez. Personne ne vous le reprochera, jamais.

## Avec votre propre voix

- Parlez en votre nom : écrivez « je », employez vos mots, modifiez les textes suggérés ou
  ignorez-les.
- Dites que vous travaillez ici quand vous parlez de notre travail : c’est plus honnête, et
  plus convaincant.
- Vos opinions vous appartiennent ; vous ne parlez pas au nom de l’entreprise, sauf si c’est
  votre métier.
- Restez courtois avec tout le monde, concurrents compris. Si une discussion s’envenime,
  vous n’avez pas à répondre : prévenez l’équipe communication.
- Une erreur dans une publication, cela arrive. Corrigez-la ouvertement ou supprimez-la, et
  passez à autre chose.

## À qui poser vos questions

Votre responsable d’équipe, l’équipe communication et les admins du programme répondent
volontiers à vos questions, avant comme après une publication. Aucune question n’est trop
petite.
"""),
)

DEFAULTS = {"en": EN, "fr": FR}
