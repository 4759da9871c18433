"""The sources the rule file may cite: reference numbers of
``shared/clinical/evidence.md`` section 6, with a short citation each.

They live with the rules so loading a rule file can refuse a number that is not
here (the result page would otherwise show a reason with no source to read).
The result page numbers its sources afresh (questionnaire/result.py). Citations
are not translated.
"""

from __future__ import annotations

REFERENCES: dict[int, str] = {
    1: "Alam M et al. Efficacy of a needling device for the treatment of acne scars: "
    "a randomized clinical trial. JAMA Dermatol 2014;150(8):844-9.",
    2: "El-Domyati M et al. Microneedling therapy for atrophic acne scars: an objective "
    "evaluation. J Clin Aesthet Dermatol 2015;8(7):36-42.",
    3: "Harris AG, Naidoo C, Murrell DF. Skin needling as a treatment for acne scarring: "
    "an up-to-date review of the literature. Int J Womens Dermatol 2015;1(2):77-81.",
    5: "Juhasz MLW, Cohen JL. Microneedling for the treatment of scars: an update for "
    "clinicians. Clin Cosmet Investig Dermatol 2020;13:997-1003.",
    8: "Singh A, Yadav S. Microneedling: advances and widening horizons. "
    "Indian Dermatol Online J 2016;7(4):244-54.",
    12: "von Dalwig-Nolda DF, Ablon G. Safety and effectiveness of an automated microneedling "
    "device in improving acne scarring. J Clin Aesthet Dermatol 2020;13(8):17-22.",
    13: "Tirmizi SS et al. Role of microneedling in atrophic post-acne scars. "
    "Cureus 2021;13(1):e12578.",
    16: "Jacob CI, Dover JS, Kaminer MS. Acne scarring: a classification system and review "
    "of treatment options. J Am Acad Dermatol 2001;45(1):109-17.",
    17: "Goodman GJ, Baron JA. Postacne scarring: a qualitative global scarring grading "
    "system. Dermatol Surg 2006;32(12):1458-66.",
    18: "Fabbrocini G et al. Acne scars: pathogenesis, classification and treatment. "
    "Dermatol Res Pract 2010:893080.",
    19: "Bhargava S, Kumar U, Varma K. Subcision and microneedling as an inexpensive and safe "
    "combination to treat atrophic acne scars in dark skin. J Clin Aesthet Dermatol "
    "2019;12(8):18-22.",
    20: "Bhardwaj D, Khunger N. CROSS technique with 100% TCA in the management of ice pick "
    "acne scars. J Cutan Aesthet Surg 2010;3(2):93-6.",
    21: "Lee JB et al. Focal treatment of acne scars with trichloroacetic acid. "
    "Dermatol Surg 2002;28(11):1017-21.",
    22: "Arsiwala SZ. Subcision with CROSS TCA peels for moderate to severe acne scars. "
    "Indian Dermatol Online J 2014;5(1):97-8.",
    26: "Cohen BE, Elbuluk N. Microneedling in skin of color: a review of uses and efficacy. "
    "J Am Acad Dermatol 2016;74(2):348-55.",
    27: "Dogra S, Yadav S, Sarangal R. Microneedling for acne scars in Asian skin type. "
    "J Cosmet Dermatol 2014;13(3):180-7.",
    28: "Al Qarqaz F, Al-Yousef A. Skin microneedling for acne scars associated with "
    "pigmentation in patients with dark skin. J Cosmet Dermatol 2018.",
    29: "Microneedling and PRP: applications and safety in skin of color (book chapter).",
    30: "Chu S, Foulad DP, Atanaskova Mesinkovska N. Safety profile for microneedling: "
    "a systematic review. Dermatol Surg 2021;47(9):1249-54.",
    33: "Microneedling in the nickel-allergic patient (commentary). J Am Acad Dermatol.",
    34: "Vaghela D et al. Guideline for the management of herpes simplex 1 and cosmetic "
    "interventions. J Clin Aesthet Dermatol 2021;14(6 Suppl 1):S11-S14.",
    35: "Spring LK et al. Isotretinoin and timing of procedural interventions: a systematic "
    "review with consensus recommendations. JAMA Dermatol 2017;153(8):802-9.",
    36: "Waldman A et al. ASDS Guidelines Task Force: consensus recommendations regarding "
    "procedures during and after isotretinoin use. Dermatol Surg 2017;43(10):1249-62.",
    37: "American Academy of Dermatology. Waxing and isotretinoin FAQs.",
    38: "Winkelmann R. What do you tell your patients about microneedling while on "
    "isotretinoin? Project LEAD.",
    40: "Reynolds RV et al. Guidelines of care for the management of acne vulgaris. "
    "J Am Acad Dermatol 2024;90(5):1006.e1-e30.",
    41: "Trivedi MK, Kroumpouzos G, Murase JE. A review of the safety of cosmetic procedures "
    "during pregnancy and lactation. Int J Womens Dermatol 2017;3(1):6-10.",
    42: "Jakharia-Shah N, Chadha P, Watson L. A review of the safety of common aesthetic "
    "procedures during pregnancy. 2017.",
    43: "Dermatologic and cosmetic procedures in pregnancy. J Cutan Aesthet Surg "
    "2022;15(2):108-17.",
    44: "Shi V et al. Expert evidence regarding cosmetic procedures in minors. "
    "J Am Acad Dermatol 2024;91(3):AB43.",
    45: "American Med Spa Association. What to consider when evaluating whether to treat "
    "young patients.",
}
