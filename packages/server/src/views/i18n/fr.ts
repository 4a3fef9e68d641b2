import type { Messages } from './en.js';
import { plural, utcTime } from './format.js';

/** Les portées en clair ; une portée absente de la liste est affichée telle quelle. */
const SCOPES: Readonly<Record<string, string>> = {
  openid: 'Vous connecter',
  profile: 'Voir votre profil de base',
  email: 'Voir votre adresse e-mail',
  offline_access: 'Rester connecté (jetons d’actualisation)',
  'api://demo/read': 'Lire vos données dans l’API de démonstration',
};

/** Minutes, with French's singular for 0 and 1. */
function minutes(n: number): string {
  return plural(n, 'minute', 'minutes', true);
}

/** The French catalogue (the seed's language): every key of the English one, translated. */
export const fr: Messages = {
  lang: 'fr',
  languageName: 'Français',
  languageSwitcher: 'Langue',
  errorPrefix: 'Erreur : ',
  product: 'Connexion d’appareil',
  codeEntry: {
    title: 'Entrer le code',
    intro: 'Entrez le code affiché sur votre application ou votre appareil.',
    label: 'Code',
    hint: 'Majuscules ou minuscules, avec ou sans le tiret.',
    submit: 'Suivant',
    confirmPrefilled:
      'Ce code est arrivé avec le lien que vous avez ouvert. Vérifiez qu’il correspond au code affiché sur votre appareil, puis sélectionnez Suivant.',
    invalid:
      'Ce code n’a pas fonctionné. Vérifiez le code et réessayez. Les codes expirent au bout de quelques minutes et ne servent qu’une fois : si le vôtre est ancien, demandez-en un nouveau à votre appareil.',
    linkUnusable:
      'Le code du lien que vous avez ouvert ne peut pas être utilisé : il a peut-être expiré ou déjà servi. Entrez le code que votre appareil affiche maintenant.',
  },
  rateLimited: {
    title: 'Trop de tentatives',
    text: (retryAt: number, now: number): string =>
      `Il y a eu trop de tentatives. Réessayez dans ${minutes(
        Math.max(1, Math.ceil((retryAt - now) / 60_000)),
      )} (après ${utcTime(retryAt)}).`,
    restart: 'Revenir à la saisie du code',
  },
  signIn: {
    title: 'Connexion',
    intro: (tenant: string): string => `Connectez-vous avec votre compte ${tenant}.`,
    username: 'Nom d’utilisateur',
    password: 'Mot de passe',
    submit: 'Se connecter',
    invalid: 'Votre nom d’utilisateur ou votre mot de passe est incorrect.',
  },
  // --- MFA (TOTP) pages ---
  mfa: {
    title: 'Entrez votre code de vérification',
    intro: 'Ouvrez votre application d’authentification et entrez le code à 6 chiffres qu’elle affiche pour ce compte.',
    codeLabel: 'Code de vérification',
    codeHint: '6 chiffres, donnés par votre application d’authentification.',
    submit: 'Vérifier',
    invalid:
      'Ce code n’a pas fonctionné. Entrez le code que votre application d’authentification affiche maintenant, ou utilisez l’un de vos codes de récupération.',
    recoveryToggle: 'Utiliser plutôt un code de récupération',
    recoveryLabel: 'Code de récupération',
    recoveryHint:
      'L’un des codes que vous avez enregistrés en configurant votre application d’authentification. Chacun ne sert qu’une fois.',
    recoverySubmit: 'Utiliser le code de récupération',
  },
  mfaEnrol: {
    title: 'Configurer une application d’authentification',
    intro: (tenant: string): string =>
      `Votre organisation (${tenant}) exige une seconde étape à la connexion. Configurez maintenant une application d’authentification : vous en aurez besoin à chaque connexion.`,
    scan: 'Scannez ce code QR avec votre application d’authentification.',
    qrLabel: 'Code QR pour configurer votre application d’authentification',
    manual: 'Ou saisissez cette clé dans l’application (basée sur l’heure, 6 chiffres, toutes les 30 secondes) :',
    keyLabel: 'Clé',
    codeLabel: 'Entrez le code à 6 chiffres que l’application affiche maintenant',
    submit: 'Confirmer',
    invalid:
      'Ce code ne correspond pas. Vérifiez que l’horloge de votre téléphone est à l’heure, puis entrez le code que l’application affiche maintenant.',
  },
  recoveryCodes: {
    title: 'Enregistrez vos codes de récupération',
    intro:
      'Si vous perdez votre téléphone, chacun de ces codes vous permet de vous connecter une fois à la place d’un code de l’application. Ils ne sont affichés que maintenant : imprimez-les ou conservez-les dans un gestionnaire de mots de passe.',
    listLabel: 'Codes de récupération',
    continue: 'Je les ai enregistrés, continuer',
  },
  consent: {
    title: 'Approuver la connexion ?',
    question: (app: string): string => `Essayez-vous de vous connecter à ${app} ?`,
    // « avec le compte » : « en tant que » demands an elision before a vowel (« qu’Ada »).
    signedInAs: (displayName: string, username: string): string =>
      `Connecté avec le compte ${displayName} (${username}).`,
    permissions: 'Si vous autorisez, elle pourra :',
    scopes: SCOPES,
    requested: 'La connexion a été demandée',
    thisBrowser: 'Ce navigateur',
    when: 'Quand',
    ip: 'Adresse IP',
    userAgent: 'Agent utilisateur',
    software: (software: string, platform: string | undefined): string =>
      platform === undefined ? software : `${software} sous ${platform}`,
    unknown: 'inconnu',
    age: (at: number, now: number): string => {
      const elapsed = Math.floor(Math.max(0, now - at) / 60_000);
      return elapsed === 0 ? 'il y a moins d’une minute' : `il y a ${minutes(elapsed)}`;
    },
    differentNetwork:
      'L’appareil qui a demandé cette connexion est sur un autre réseau que ce navigateur. C’est normal pour un serveur, un conteneur ou un téléphone en données mobiles ; si vous n’avez pas lancé cette connexion vous-même, sélectionnez Refuser.',
    warning: 'Ne continuez que si vous avez lancé cette connexion sur un appareil qui est devant vous.',
    allow: 'Autoriser',
    deny: 'Refuser',
  },
  codeBlocked: {
    title: 'Code bloqué',
    text: 'Il y a eu trop d’échecs de connexion avec ce code : il a été bloqué et rien n’a été accordé. Recommencez sur votre appareil pour obtenir un nouveau code.',
    restart: 'Entrer un nouveau code',
  },
  alreadyUsed: {
    title: 'Code déjà utilisé',
    text: 'Ce code a déjà été utilisé. Si vous devez encore vous connecter, demandez un nouveau code à votre appareil.',
    restart: 'Entrer un nouveau code',
  },
  done: {
    approvedTitle: 'Vous êtes connecté',
    approved: 'Vous avez autorisé la connexion sur votre appareil.',
    deniedTitle: 'Connexion refusée',
    denied: 'Rien n’a été accordé.',
    close: 'Vous pouvez fermer cette fenêtre et revenir à votre appareil.',
  },
  notFound: {
    title: 'Page introuvable',
    text: 'Il n’y a pas de page à cette adresse. Pour connecter un appareil, entrez le code qu’il affiche.',
    restart: 'Entrer un code',
  },
  failure: {
    title: 'Une erreur s’est produite',
    text: 'La page n’a pas pu être affichée. Réessayez dans un instant.',
  },
  expired: {
    title: 'Page expirée',
    text: 'Cette page a expiré ou n’a pas été ouverte depuis ce site. Rien n’a été modifié.',
    restart: 'Recommencer',
  },
};
