"""What Gazette knows of English names, shared by the stages that read them (tag, write): word
lists (titles, honorifics, institutions), given names, places, the named-entity recogniser, and
whether a name is a person's by its words."""
