package fr.cpts.hub.mappers.rpps;

/**
 * The columns of the public RPPS extract ({@code PS_LibreAcces_Personne_activite_*.txt}), named
 * exactly as its header line names them. The extract is read by these names, never by position: the
 * order has changed across versions. Only {@link #isRequired() required} columns must be in the
 * header; an absent other column reads as empty.
 */
public enum RppsColumn {
  TYPE_IDENTIFIANT_PP("Type d'identifiant PP"),
  IDENTIFIANT_PP("Identifiant PP"),
  IDENTIFICATION_NATIONALE_PP("Identification nationale PP", true),
  CODE_CIVILITE_EXERCICE("Code civilité d'exercice"),
  LIBELLE_CIVILITE_EXERCICE("Libellé civilité exercice"),
  CODE_CIVILITE("Code civilité"),
  LIBELLE_CIVILITE("Libellé civilité"),
  NOM_EXERCICE("Nom d'exercice", true),
  PRENOM_EXERCICE("Prénom d'exercice"),
  CODE_PROFESSION("Code profession", true),
  LIBELLE_PROFESSION("Libellé profession"),
  CODE_CATEGORIE_PROFESSIONNELLE("Code catégorie professionnelle"),
  LIBELLE_CATEGORIE_PROFESSIONNELLE("Libellé catégorie professionnelle"),
  CODE_TYPE_SAVOIR_FAIRE("Code type savoir-faire"),
  LIBELLE_TYPE_SAVOIR_FAIRE("Libellé type savoir-faire"),
  CODE_SAVOIR_FAIRE("Code savoir-faire"),
  LIBELLE_SAVOIR_FAIRE("Libellé savoir-faire"),
  CODE_MODE_EXERCICE("Code mode exercice"),
  LIBELLE_MODE_EXERCICE("Libellé mode exercice"),
  NUMERO_SIRET_SITE("Numéro SIRET site"),
  NUMERO_SIREN_SITE("Numéro SIREN site"),
  NUMERO_FINESS_SITE("Numéro FINESS site"),
  NUMERO_FINESS_ETABLISSEMENT_JURIDIQUE("Numéro FINESS établissement juridique"),
  IDENTIFIANT_TECHNIQUE_STRUCTURE("Identifiant technique de la structure"),
  RAISON_SOCIALE_SITE("Raison sociale site"),
  ENSEIGNE_COMMERCIALE_SITE("Enseigne commerciale site"),
  COMPLEMENT_DESTINATAIRE("Complément destinataire (coord. structure)"),
  COMPLEMENT_POINT_GEOGRAPHIQUE("Complément point géographique (coord. structure)"),
  NUMERO_VOIE("Numéro Voie (coord. structure)"),
  INDICE_REPETITION_VOIE("Indice répétition voie (coord. structure)"),
  CODE_TYPE_VOIE("Code type de voie (coord. structure)"),
  LIBELLE_TYPE_VOIE("Libellé type de voie (coord. structure)"),
  LIBELLE_VOIE("Libellé Voie (coord. structure)"),
  MENTION_DISTRIBUTION("Mention distribution (coord. structure)"),
  BUREAU_CEDEX("Bureau cedex (coord. structure)"),
  CODE_POSTAL("Code postal (coord. structure)"),
  CODE_COMMUNE("Code commune (coord. structure)"),
  LIBELLE_COMMUNE("Libellé commune (coord. structure)"),
  CODE_PAYS("Code pays (coord. structure)"),
  LIBELLE_PAYS("Libellé pays (coord. structure)"),
  TELEPHONE("Téléphone (coord. structure)"),
  TELEPHONE_2("Téléphone 2 (coord. structure)"),
  TELECOPIE("Télécopie (coord. structure)"),
  ADRESSE_EMAIL("Adresse e-mail (coord. structure)"),
  CODE_DEPARTEMENT("Code département (coord. structure)"),
  LIBELLE_DEPARTEMENT("Libellé département (coord. structure)"),
  ANCIEN_IDENTIFIANT_STRUCTURE("Ancien identifiant de la structure"),
  AUTORITE_ENREGISTREMENT("Autorité d'enregistrement"),
  CODE_SECTEUR_ACTIVITE("Code secteur d'activité"),
  LIBELLE_SECTEUR_ACTIVITE("Libellé secteur d'activité"),
  CODE_SECTION_TABLEAU_PHARMACIENS("Code section tableau pharmaciens"),
  LIBELLE_SECTION_TABLEAU_PHARMACIENS("Libellé section tableau pharmaciens"),
  CODE_FONCTION("Code fonction"),
  LIBELLE_FONCTION("Libellé fonction"),
  CODE_GENRE_ACTIVITE("Code genre d'activité"),
  LIBELLE_GENRE_ACTIVITE("Libellé genre d'activité");

  private final String header;
  private final boolean required;

  RppsColumn(String header) {
    this(header, false);
  }

  RppsColumn(String header, boolean required) {
    this.header = header;
    this.required = required;
  }

  /** The column's name in the header line. */
  public String header() {
    return header;
  }

  /**
   * Whether the header must name this column: without it no line could be mapped (the IDNPS, the
   * family name and the profession, which the hub's Practitioner profile requires).
   */
  public boolean isRequired() {
    return required;
  }
}
