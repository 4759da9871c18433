"""What the patient reads for each reason key, in English (the source language).

One text per reason key of the contract (section 3). The wording draws on
`shared/clinical/evidence.md` (sections 1, 2 and 4.2): second person, plain
words, and a next step where there is one. Each text is marked with N_ so
`pybabel extract` collects it; translations live in the gettext catalogues
(see rules.i18n) and the verifier checks every shipped language has them all.
The rule file says WHEN a reason applies; this file only says how it is told.
"""

from __future__ import annotations

from types import MappingProxyType

from .i18n import N_

__all__ = ["REASON_TEXTS"]

#: Reason key -> English patient text (a gettext msgid).
REASON_TEXTS: MappingProxyType[str, str] = MappingProxyType(
    {
        # --- not_suitable_now ---------------------------------------------
        "pregnancy_or_breastfeeding": N_(
            "Microneedling has not been tested for safety in pregnancy or while "
            "breastfeeding, and neither have the numbing creams used with it. As it is "
            "not an urgent treatment, the safe choice is to wait until you are no longer "
            "pregnant, trying to conceive or breastfeeding, and then take this check again."
        ),
        "active_infection_in_area": N_(
            "There is an infection on the skin you want treated (such as a cold sore, "
            "warts, impetigo or a fungal rash). Needling through it could spread it. Let "
            "it heal completely first, with help from your doctor or pharmacist if you "
            "need it, and then take this check again."
        ),
        "active_acne_moderate_severe": N_(
            "Your acne is active at the moment. While spots are still inflamed, new scars "
            "can keep forming, and needling inflamed skin can make it worse. Ask your "
            "doctor or a dermatologist about getting the acne under control first; once "
            "it has settled, take this check again."
        ),
        "skin_cancer_in_area": N_(
            "You mentioned skin cancer, or a mole or spot being checked, on the skin you "
            "want treated. A dermatologist needs to look at it and treat or clear it "
            "before anything else is done to that skin. Please see your doctor or "
            "dermatologist first."
        ),
        "recent_radiation": N_(
            "Skin that has had radiotherapy in the last 12 months heals less well, so "
            "needling it carries extra risk. Ask the team who treated you when it is safe "
            "to have a procedure on that skin, and then take this check again."
        ),
        "uncontrolled_diabetes": N_(
            "When diabetes is not well controlled, skin heals more slowly and infections "
            "are more likely. Work with your doctor or diabetes team to bring it under "
            "control first, and then take this check again."
        ),
        "inflammatory_skin_disease_flare": N_(
            "Eczema, psoriasis or rosacea is flaring on the skin you want treated. "
            "Needling irritated skin can make the flare worse, and with psoriasis it can "
            "even start new patches where the skin is injured. Have the flare treated "
            "first; once your skin has settled, take this check again."
        ),
        "recent_sunburn_or_tan": N_(
            "Your skin is sunburnt or freshly tanned. Treating it now raises the risk of "
            "dark marks afterwards. Wait until your skin is back to its usual colour, "
            "protect it from the sun in the meantime, and then take this check again."
        ),
        # --- see_dermatologist --------------------------------------------
        "keloid_history": N_(
            "You have had keloids: raised, thick scars that grow beyond the original "
            "wound. Microneedling makes many tiny wounds, which could set off a new "
            "keloid. A dermatologist should look at your skin and decide whether "
            "microneedling is safe for you."
        ),
        "hypertrophic_scars_only": N_(
            "Your scars are raised (hypertrophic). Microneedling is mainly a treatment for "
            "sunken scars; raised scars usually do better with other treatments, such as "
            "silicone gel, steroid injections or laser. A dermatologist can confirm the "
            "type of scar and suggest the right treatment."
        ),
        "isotretinoin_current": N_(
            "You are taking isotretinoin (for example Accutane or Roaccutane). The doctor "
            "who prescribes it should decide when scar treatment can start, because your "
            "skin is more delicate during the course and your scars may still be "
            "changing. Keep taking it as prescribed and ask them at your next appointment."
        ),
        "connective_tissue_disease": N_(
            "Conditions such as scleroderma or lupus can change the way skin heals after "
            "an injury. A specialist should look at how your condition affects your skin "
            "before microneedling is considered."
        ),
        # --- clinician_review ---------------------------------------------
        "isotretinoin_recent": N_(
            "You stopped isotretinoin within the last 6 months, or you are not sure when "
            "you stopped. Experts disagree about how long to wait after a course before "
            "a treatment like this, so a clinician will go through the timing with you "
            "before anything is booked."
        ),
        "bleeding_risk": N_(
            "Microneedling causes tiny pinpoint bleeding and sometimes bruising, so a "
            "clinician will look at your bleeding risk with you first. Never stop or "
            "change a blood thinner, or any other medicine, yourself: only the doctor who "
            "prescribes it can decide that."
        ),
        "immunosuppression": N_(
            "A weakened immune system can make infection more likely and healing slower. "
            "A clinician will go through this with you before treatment, and may check "
            "with your specialist."
        ),
        "cold_sore_prophylaxis": N_(
            "Microneedling can bring on a cold sore in people who get them. A clinician "
            "may prescribe antiviral tablets for you to take around the time of treatment "
            "to prevent one."
        ),
        "active_acne_mild": N_(
            "You have a few spots at the moment. That does not rule out treatment, but a "
            "clinician will check that your acne is settled enough and will avoid any "
            "inflamed spots."
        ),
        "inflammatory_skin_disease_controlled": N_(
            "You have eczema, psoriasis or rosacea on the skin you want treated, settled "
            "for now. Needling can sometimes set off a flare, so a clinician will check "
            "that it is stable enough first."
        ),
        "minor_guardian_consent": N_(
            "As you are under 18, a parent or guardian needs to agree to the treatment "
            "with you, and a clinician will see you first to make sure it is right for you."
        ),
        "hypertrophic_scars_present": N_(
            "Some of your scars are raised (hypertrophic). Sunken scars can often be "
            "treated, but raised ones can mean your skin tends to over-heal, so a "
            "clinician will examine them before any treatment."
        ),
        "metal_allergy": N_(
            "Most microneedling needles are made of steel that contains nickel. A "
            "clinician will talk with you about your allergy and choose a device that "
            "suits you."
        ),
        "anaesthetic_allergy": N_(
            "A numbing cream is usually put on the skin before microneedling. As you have "
            "reacted to numbing products before, a clinician will plan with you how to "
            "keep you comfortable safely."
        ),
        "recent_facial_procedure": N_(
            "You have had another procedure on the area in the last 4 weeks. Skin needs "
            "time to recover between treatments, so a clinician will check when it is "
            "safe to start."
        ),
        # --- info -----------------------------------------------------------
        "pih_risk_darker_skin": N_(
            "Microneedling suits your skin type well, and is usually safer for it than "
            "lasers or strong peels. Temporary dark marks can still appear afterwards, so "
            "daily sun protection before and after treatment really matters."
        ),
        "controlled_diabetes_disclose": N_(
            "Well-controlled diabetes does not stop you having microneedling. Please "
            "mention it at your consultation so it can be taken into account."
        ),
        "atrophic_scars_responsive": N_(
            "Rolling and shallow boxcar scars usually respond best to microneedling; "
            "deeper boxcar scars usually improve too, but less. The improvement builds "
            "gradually over several months."
        ),
        "ice_pick_limited_benefit": N_(
            "Ice pick scars (narrow, deep scars) improve least with microneedling on its "
            "own. They are often treated with a targeted treatment as well, such as TCA "
            "CROSS (a strong acid placed precisely into each scar) or a small punch "
            "procedure."
        ),
        "scar_type_unclear": N_(
            "Not being sure of your scar type is completely normal. The clinician will "
            "look at your scars at the consultation and tell you which type they are."
        ),
        "severe_scarring_combination": N_(
            "With more severe scarring, microneedling usually gives a real but partial "
            "improvement (about one step on the scar severity scale), and it is often "
            "combined with other treatments for the best result."
        ),
    }
)
