"""Common given names, used to tell a person from a product when a capitalised word (or a
lower-case nickname in a chat log) is the subject of a failure verb.

Post-mortems are full of capitalised products (Flux, Prometheus, Kafka, Traefik) that do fail,
so a capitalised word alone is not enough to call something a person. The document's own
people (authors, reviewers, owners, @handles) come first; this list only covers names that
appear in prose without being listed anywhere. It is short on purpose: recall on unlisted
names matters less than never turning a product into a person.
"""

from __future__ import annotations

_NAMES = """
aaron abdul abigail adam adrian ahmed aisha akira alan albert alejandro alex alexander
alexandra alexei ali alice alicia alison allison amanda amelia amir amit amy ana anders
andrea andreas andrei andrew andy angela anil anita ann anna anne annie anton antonio anya
arjun arthur arun ashley astrid aurora barbara ben benjamin bernd bill birgit bjorn bob
boris brad brandon brenda brian bruce bruno caitlin carl carla carlos caroline casey
catherine charles charlie charlotte chen chloe chris christian christina christine
christopher claire claudia colin connor craig dan daniel daniela danielle dave david
deborah deepak denis dennis derek diana diego dmitri dmitry dominic donald doug douglas
dylan ed eddie edward elena eli elias elizabeth ella ellen emil emily emma eric erik
erin ethan eva evan fatima felix fernando finn fiona florian francesca francisco frank
franz frederik gabriel gary george georgia gerald gustav hannah hans harold harry
harvey heather heidi helen helena henrik henry hiroshi hugo ian igor ines ingrid irene
isaac isabel isabella ivan jack jacob jake james jamie jan jane janet jason javier jay
jean jeff jeffrey jennifer jens jeremy jesper jessica jim jimmy joan joe joel johan
johannes john jon jonas jonathan jordan jorge jose joseph josh joshua juan julia julian
julie jun justin kai kamal karen karim karl kate katharine katherine kathy katie
katrin keith kelly ken kenji kevin kim kirsten klaus kristian kumar kurt kyle lars
laura lauren leah lena leo leon li liam linda lisa liu lucas lucia luis luke lukas
magnus mahmoud manuel marco marcus margaret maria marie mario marius mark markus
martin mary mateo matt matthew matthias max maxim maya megan mehmet melissa mia
michael michelle miguel mikael mike mikhail min ming mohamed mohammed morten nadia
naomi natalia natasha nathan neil nicholas nick nicolas niels nikhil nikolai nils
nina noah nora olaf oleg oliver olivia omar oscar owen pablo paolo patricia patrick
paul paula pedro per peter petra philip philipp pierre pradeep priya rachel rafael
rahul raj rajesh ralf ramesh rebecca richard rick robert roberto robin roger roman
ronald rosa ross rune ruth ryan sachin sam samantha samuel sandra sanjay sara sarah
sasha satoshi scott sean sebastian selena sergei sergey seth shane sharon shawn
sheila simon sofia sophia sophie soren stefan stefanie steffen stephanie stephen
steve steven sue sunil susan suresh sven takeshi tanya taro teresa thomas tim timothy
tobias todd tom tomas tommy tony torben tyler ulrik ursula valentina vanessa vera
victor victoria viktor vincent vivek walter wang wei wendy william xavier yan yang
yuki yuri yusuf zach zachary zhang zoe
"""

GIVEN_NAMES: frozenset[str] = frozenset(_NAMES.split())

# Names that are also ordinary English words: only counted when capitalised mid-sentence.
AMBIGUOUS_NAMES: frozenset[str] = frozenset(
    "bill chase dawn eve frank grace grant hope jack jay joy ken kim mark max may min "
    "per rick rob ross rune sam sue will yang jan li lee wang liu jun ming chen ed".split()
)
