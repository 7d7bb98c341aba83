"""Western given names that Chinese-speaking people add to their names.

Hong Kong, Macau, Singapore, Malaysia and Taiwan records often carry an English (or
Christian) given name beside the Chinese one: "Nancy Chiu Fan Hui". Such a word is
not a Chinese syllable, so it must neither count as a missing given-name syllable
when the other record omits it, nor be split into pseudo-syllables ("te-re-sa").
Names that are also Chinese syllables (Ken, Man, Kin...) are left out on purpose.
"""

from __future__ import annotations

WESTERN_GIVEN_NAMES: frozenset[str] = frozenset(
    """
    aaron abby abraham adam adrian agnes aileen alan albert alex alexander alexandra
    alfred alice alicia allan allen alvin amanda amber amy andrea andrew andy angela
    angelina angie anita ann anna anne annie anson anthony antonio april arnold arthur
    ashley audrey barbara barry basil beatrice belinda ben benedict benjamin benny bernard
    betty beverly bill billy bonnie boris brandon brenda brian bruce bryan calvin
    camille candy carl carmen carol caroline carrie catherine cathy cecilia celia charles
    charlie charlotte chris christina christine christopher cindy claire clara clarence
    clement clifford connie constance cora crystal cynthia daisy daniel danny daphne
    darren david dennis derek desmond diana diane dominic donald doris dorothy douglas
    dylan eddie edgar edith edmund edward edwin eileen elaine eleanor elizabeth ella ellen
    elsie emily emma eric erica ernest esther eugene eunice eva evelyn fanny felix
    fiona florence frances francis frank franklin frederick gabriel gary geoffrey george
    gerald gilbert gladys gloria gordon grace gregory hannah harold harry hazel heather
    helen henry herbert howard hubert ian irene iris isaac isabel ivan ivy jack jackie
    jackson jacky jacqueline james jane janet janice jason jasmine jean jeffrey jennifer
    jenny jeremy jerry jessica jimmy joan joanna joe john johnny jonathan joseph josephine
    joshua joyce judith judy julia julian julie justin karen katherine kathy keith kelly
    kelvin kenneth kevin kimberly kitty larry laura lawrence leo leon leonard leslie lily
    linda lisa louis louisa lucas lucy luke lydia mabel maggie mandy margaret maria
    marian marilyn mark martha martin mary matthew maureen maurice max melissa melvin
    michael michelle mike monica nancy natalie nathan nelson nicholas nicole norman oliver
    olivia oscar pamela patricia patrick paul paula pauline peggy penny peter philip
    phoebe priscilla rachel ralph randy raymond rebecca regina richard rita robert robin
    roger ronald rosa rose rosemary roy ruby rudy russell ruth ryan sabrina sally samantha
    samuel sandra sarah selina sharon shirley simon sophia sophie stanley stella stephanie
    stephen steve steven susan suzanne sylvia teresa terence theresa thomas timothy tina
    tommy tony tracy valerie vanessa veronica vicky victor victoria vincent violet vivian
    walter wendy wilfred william willie winnie winston yvonne zoe
    """.split()  # noqa: SIM905 (a word list reads and diffs better as text)
)


def is_western_given_name(word: str) -> bool:
    """True for a folded word that is a common Western given name."""
    return word in WESTERN_GIVEN_NAMES
