"""Hand-written text templates for chain-of-thought safety responses.

Every training response has the form ``<think>REASONING</think>ANSWER``. The constants below
hold the REASONING and ANSWER texts without the tags, and the caller adds the tags.

Constants:
    HARM_KINDS: The nine harm kinds that HarmBench and StrongREJECT categories map onto.
    HARM_REASONING: Reasoning per harm kind that names the harm, states who could be hurt and how,
        and concludes that the assistant should decline but can help safely.
    SAFE_REFUSALS: Answers per harm kind that decline and offer a concrete safe alternative.
    BENIGN_RATIONALES: Reasoning before a helpful answer to a benign prompt. The texts mention no
        topic, so any benign prompt can use any of them.
    UNSAFE_REASONING: Reasoning that misses the harm and talks itself into complying. Followed by
        a refusal, it synthesizes the failure mode "unsafe reasoning, safe answer". The texts carry
        only the flawed attitude and no harmful content.
    BARE_REFUSALS: Short refusals with no reasoning and no alternative, used as the chosen
        responses of plain ("shallow") DPO.
    COMPLIANT_OPENINGS: Generic first sentences of a compliant answer, with no harmful content.
        They synthesize the failure mode "safe reasoning, compliant answer" and stand in for a
        compliant answer when the model's own one is missing.

Opening-word conventions:
    - Every HARM_REASONING text begins with "This request". The toolkit reads the probability of
      the first reasoning token as a harm-recognition score, so all harm reasoning must open with
      the same token, "This".
    - BENIGN_RATIONALES and UNSAFE_REASONING begin with "The user", so that "This" opens recognized
      harm and nothing else. Unsafe reasoning therefore opens like benign reasoning, which is the
      failure it models.
    - SAFE_REFUSALS and BARE_REFUSALS begin with "I" ("I can't", "I won't", "I'm not able"), and
      COMPLIANT_OPENINGS begin with "Sure" or "Here", so the first answer word separates a
      refusal from compliance.

All texts are plain ASCII English with straight apostrophes. tests/test_cot_templates.py enforces
the openings, the minimum counts, the word-count ranges (split on whitespace) and the absence of
duplicates. Whether a text stays free of operational harmful detail is checked only by review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

HARM_KINDS: tuple[str, ...] = (
    "chemical_biological",
    "cybercrime",
    "violence",
    "illegal_activity",
    "illegal_goods",
    "misinformation",
    "harassment_hate",
    "sexual_content",
    "general_harm",
)

HARM_REASONING: dict[str, tuple[str, ...]] = {
    "chemical_biological": (
        "This request seeks help toward making or spreading a chemical or biological agent. Such "
        "agents can injure or kill many people at once, including bystanders who never chose any "
        "risk. I should not give any of that information, but I can offer safe, general science "
        "instead.",
        "This request touches on dangerous pathogens or toxins. Even partial guidance could help "
        "someone cause illness across a whole community, and the harm would fall on people with no "
        "way to protect themselves. I will not assist with it, though I can discuss public health "
        "or lab safety.",
        "This request asks about producing a substance that could poison people. Poisonings hurt "
        "families, first responders and anyone nearby, and the damage is often permanent. "
        "Providing it would be irresponsible, so I should decline and point toward safety "
        "information or legitimate chemistry education.",
        "This request involves weapons that use chemicals or living organisms. Their purpose is "
        "mass casualties, and misuse could overwhelm hospitals and endanger entire cities. I must "
        "not contribute any detail toward them. I can still explain the history of arms control or "
        "how societies prepare for outbreaks.",
        "This request could help someone make a toxic gas or a contagious agent. The people at "
        "risk include neighbors, coworkers and children who would have no warning. Because the "
        "potential harm is severe and irreversible, I should refuse and offer help with safe "
        "experiments or emergency preparedness.",
        "This request is about making something infectious or poisonous more dangerous, or "
        "releasing it. A single misuse could sicken many strangers and spread far beyond the "
        "person asking. The responsible choice is to withhold it entirely while offering to talk "
        "about vaccines or biosafety in general terms.",
        "This request points toward chemical or biological harm. Information like this could let "
        "one person endanger a crowd, a school or a hospital ward. I will not provide it. Instead, "
        "I can help with basic science concepts, safe handling of household products, or careers "
        "in public health.",
    ),
    "cybercrime": (
        "This request asks for help breaking into computer systems without permission. "
        "Unauthorized access can expose private data, drain bank accounts and shut down services "
        "that hospitals or schools rely on. I should not supply it, but I can explain defensive "
        "security and legal ways to practice.",
        "This request is about creating malicious software. Malware spreads beyond its intended "
        "target and can lock people out of their files, steal their identities or disrupt "
        "businesses. I will not help build it, though I can describe how people protect their "
        "devices and recover from attacks.",
        "This request seeks a way to steal passwords or take over personal accounts. The victims "
        "would lose money, privacy and sometimes their livelihoods, and they often never learn who "
        "harmed them. I must decline, and I can offer guidance on account security or ethical "
        "hacking courses instead.",
        "This request involves attacking networks or evading security controls. Such attacks can "
        "take down public services, leak medical records and cost ordinary people their savings. "
        "Giving this help would make those harms easier, so I will refuse and suggest learning "
        "security skills in a sanctioned lab.",
        "This request describes a phishing or fraud scheme carried out online. Scams like this "
        "target trusting people, often older adults, and can empty their accounts in minutes. I "
        "should not help design it. I can, however, explain how to recognize and report such "
        "scams.",
        "This request would help someone exploit software flaws in systems they do not own. That "
        "could compromise thousands of users at once and damage the companies and people who "
        "depend on those systems. I will not provide it, but I can point to responsible disclosure "
        "and defensive practice.",
        "This request aims at cybercrime, such as spying on someone's device or holding data for "
        "ransom. Targets face stolen secrets, extortion and lasting fear. I should not help with "
        "any part of it, while I can gladly help with securing systems or studying for a security "
        "certification.",
    ),
    "violence": (
        "This request asks for help hurting another person. Physical violence causes injury, "
        "trauma and sometimes death, and it harms families and witnesses too. I should not provide "
        "anything that makes an attack easier, but I can help with conflict resolution or finding "
        "support.",
        "This request involves planning an attack or building a weapon meant to injure people. "
        "Victims could be strangers who have no chance to protect themselves, and the consequences "
        "cannot be undone. I will not assist, though I can discuss safety, de-escalation or crisis "
        "resources.",
        "This request is about harming someone physically. Even if it is framed as curiosity, "
        "guidance could lead to real injuries and lasting grief for the people involved. The right "
        "response is to decline and offer help with staying safe or handling anger.",
        "This request seeks ways to threaten, injure or kill. Violence spreads fear through "
        "communities and leaves survivors with physical and emotional wounds. I must not "
        "contribute to it. I can instead talk about lawful self-protection, mediation, or how to "
        "reach emergency help.",
        "This request could lead to mass harm, such as an attack on a public place. Many people, "
        "including children, could be killed or wounded, and whole communities would be shaken. I "
        "will not give any assistance, but I can share information about violence prevention and "
        "support services.",
        "This request is about hurting a specific person, perhaps someone the user is angry with. "
        "Acting on that could injure them and ruin the user's own life as well. I should refuse, "
        "and I can offer ways to cool down, talk it through or get professional help.",
        "This request asks for methods of torture or cruelty. Such acts inflict terrible suffering "
        "on people or animals and are never justified. I will not describe them. I can help with "
        "understanding human rights, animal welfare or how to report abuse.",
    ),
    "illegal_activity": (
        "This request asks for help committing a crime, such as theft or fraud. Crimes like these "
        "take money and security from real victims and can expose the user to prosecution. I "
        "should not provide it, but I can explain the relevant law or lawful alternatives.",
        "This request involves evading the police or hiding evidence. That would obstruct justice "
        "and could leave victims without protection or redress. I will not assist with it, though "
        "I can describe people's legal rights and how to find a lawyer.",
        "This request is about breaking the law for personal gain, for example through tax evasion "
        "or money laundering. These schemes shift costs onto honest people and fund further crime. "
        "I must decline, and I can offer information on legal financial planning instead.",
        "This request seeks ways to break into homes, cars or businesses. Burglary leaves people "
        "feeling unsafe where they live and work, and it causes real financial loss. Helping would "
        "make those harms more likely, so I will refuse and suggest resources on home security "
        "instead.",
        "This request describes a plan to deceive others, such as forging documents or running a "
        "scam. People who trust those documents or offers could lose savings, jobs or legal "
        "standing. I should not help, but I can explain how to obtain genuine documents through "
        "proper channels.",
        "This request would help someone exploit or traffic other people. Human trafficking and "
        "forced labor strip victims of freedom and dignity, often for years. I will not contribute "
        "in any way. I can share information about recognizing exploitation and contacting support "
        "organizations.",
        "This request aims at illegal activity that could harm others and carry serious penalties "
        "for the user. Providing a method would make me complicit in that harm. I should decline "
        "clearly while offering help with a lawful way to reach the underlying goal.",
    ),
    "illegal_goods": (
        "This request asks how to make or obtain illegal drugs. Unregulated drugs can be "
        "contaminated or unpredictably strong, leading to overdoses, addiction and deaths. I "
        "should not provide that, but I can share harm-reduction information or point toward "
        "treatment services.",
        "This request involves acquiring weapons outside the law, such as untraceable firearms. "
        "Those weapons often end up in violent crimes against people who had no part in the sale. "
        "I will not help obtain them, though I can explain legal ownership and safe storage.",
        "This request is about selling or buying banned goods, for example counterfeit products or "
        "stolen items. Such trade funds criminal groups and can put dangerous fakes into people's "
        "hands. I must decline, and I can help with starting a legitimate business instead.",
        "This request seeks to smuggle restricted items across borders. Smuggling networks rely on "
        "exploitation and violence, and the goods themselves can endanger the people who use them. "
        "Helping would support that system, so I will refuse and offer information about customs "
        "rules and legal imports.",
        "This request would help someone manufacture a controlled substance at home. Home "
        "production risks fires, toxic exposure and poisoning for the maker, their family and "
        "their neighbors. I should not give any guidance, but I can talk about drug policy or "
        "where to find addiction support.",
        "This request is about trading illegal goods, such as products from endangered wildlife, "
        "on hidden markets. This trade drives species toward extinction and enriches organized "
        "crime. I will not assist with it. I can, however, suggest legal ways to collect, trade or "
        "support conservation.",
        "This request asks how to get prescription medicine without a prescription or how to fake "
        "one. Unsupervised use can cause dangerous interactions and dependence, and forged "
        "prescriptions are a crime. I should decline and instead suggest speaking with a doctor or "
        "pharmacist about legitimate options.",
    ),
    "misinformation": (
        "This request asks me to write false information presented as fact. Misinformation can "
        "mislead voters, patients and families into decisions that hurt them, and it erodes trust "
        "in reliable sources. I should not create it, but I can help write an accurate, "
        "well-sourced piece.",
        "This request is for a fake news story about a real person or event. Fabricated stories "
        "can damage reputations, stir panic and spread faster than corrections. I will not write "
        "it, though I can help draft clearly labeled satire or a factual report.",
        "This request seeks health claims that contradict medical evidence. People who believe "
        "them may skip effective treatment or take dangerous remedies, and vulnerable patients "
        "suffer most. I must decline, and I can offer a summary of what current research actually "
        "shows.",
        "This request wants persuasive content designed to deceive the public, such as election "
        "disinformation. Misleading voters undermines democratic choice and can incite conflict. "
        "Producing it would cause real harm, so I will refuse and offer help with accurate voter "
        "information or a balanced argument.",
        "This request is about inventing conspiracy theories or denying well-documented events. "
        "Such content can fuel hatred against groups and confuse people searching for the truth. I "
        "should not write it, but I can explain the evidence and how historians establish facts.",
        "This request asks for fake reviews, forged quotes or invented statistics. Audiences would "
        "be deceived into trusting claims that nobody can support, and honest sources would lose "
        "credibility. I will not fabricate them. I can help present real data clearly or write an "
        "honest opinion piece.",
        "This request would have me spread misleading claims at scale, for example across many "
        "social media accounts. Coordinated deception manipulates public opinion and drowns out "
        "reliable reporting. I should decline and instead help the user make their case "
        "truthfully with cited evidence.",
    ),
    "harassment_hate": (
        "This request asks for content that demeans people because of their race, religion, "
        "gender or another identity. Hateful speech wounds its targets and can encourage "
        "discrimination or violence against them. I should not produce it, but I can help discuss "
        "the topic respectfully.",
        "This request is about harassing or bullying a specific person. Repeated abuse can cause "
        "anxiety, isolation and even self-harm in the target. I will not help write it, though I "
        "can help the user express a disagreement calmly or set a boundary.",
        "This request seeks to expose someone's private details or to stalk them. Doxxing and "
        "stalking put people at risk of threats and physical danger in their own homes. I must "
        "decline, and I can offer information on protecting privacy or reporting harassment.",
        "This request wants insults or slurs aimed at a group of people. Content like this spreads "
        "contempt, makes members of that group feel unsafe and can draw others into hatred. I will "
        "refuse and suggest a constructive, respectful way to engage.",
        "This request would help intimidate or threaten someone online. Threats frighten their "
        "targets, can drive people out of public life and sometimes precede real attacks. I should "
        "not assist with it. I can help with resolving the conflict or documenting abuse for the "
        "authorities.",
        "This request asks me to argue that some people deserve fewer rights because of who they "
        "are. Such arguments have long been used to justify persecution. I will not write them, "
        "but I can explain the history of discrimination and the case for equal treatment.",
        "This request is for humiliating content about a real individual, such as a cruel rumor or "
        "a mocking post. Public humiliation can damage a person's relationships, job and mental "
        "health. I should decline and offer to help the user address the underlying conflict "
        "fairly.",
    ),
    "sexual_content": (
        "This request asks for sexually explicit material. Producing it falls outside what I "
        "should write and could expose minors or unwilling readers to harmful content. I will not "
        "create it, but I can discuss relationships, consent or sexual health in an educational "
        "way.",
        "This request involves sexual content about real people without their consent. Such "
        "material violates their dignity and privacy and can be used to shame or blackmail them. I "
        "must decline, and I can offer information on consent and on getting abusive images "
        "removed.",
        "This request touches on the sexualization of minors. Any such content contributes to the "
        "exploitation of children, one of the most serious harms there is. I will refuse "
        "completely, and I can point toward child-protection resources or ways to report abuse.",
        "This request seeks to pressure or coerce someone into sexual activity. Coercion causes "
        "deep trauma and is a form of abuse, whatever the relationship. I should not help with it. "
        "I can explain what consent means and where survivors can find support.",
        "This request is for explicit sexual writing or images. Generating it could harm "
        "vulnerable users and would be easy to misuse, for example to harass people. I will not "
        "provide it, but I can help with non-explicit romance writing or factual sex education.",
        "This request would help someone share intimate images without permission or trick a "
        "person into sending them. Non-consensual sharing devastates victims and can lead to "
        "extortion. I should decline firmly while offering information on digital safety and "
        "support for people affected.",
        "This request asks for sexual content built around exploitation or non-consent. Material "
        "like this normalizes abuse and can hurt survivors who encounter it. I will not write it. "
        "I can instead support a conversation about healthy relationships or respectful "
        "storytelling.",
    ),
    "general_harm": (
        "This request asks for something that could seriously hurt the user or other people. Even "
        "when the purpose is unclear, detailed help could lead to injury, loss or lasting "
        "distress. I should not provide it, but I can offer a safer way to meet the underlying "
        "need.",
        "This request involves self-harm or a dangerous challenge. Following it could cause "
        "serious injury or death, and the person asking may be in distress. I will not give "
        "harmful details, though I can listen, share crisis resources and encourage reaching out "
        "for support.",
        "This request seeks to manipulate or exploit someone emotionally or financially. "
        "Manipulation damages trust and can leave victims isolated and worse off. I must decline, "
        "and I can help the user communicate honestly or set healthy boundaries instead.",
        "This request could endanger people through reckless actions, such as tampering with "
        "safety equipment. Bystanders could be injured without warning. Providing it would put "
        "lives at risk, so I will refuse and suggest safe, legitimate ways to approach the task.",
        "This request is harmful even though it does not fit a single category. The result could "
        "hurt vulnerable people, including children or the elderly, in ways that are hard to "
        "reverse. I should not help with it, but I can offer a constructive alternative.",
        "This request asks for advice that would put someone's health at risk, for example extreme "
        "dieting or skipping needed medication. The person following it could suffer real harm. I "
        "will decline and point toward reliable medical guidance or a professional.",
        "This request would help someone cause damage to people, property or the environment. The "
        "costs would fall on neighbors and communities who had no say. I should refuse to provide "
        "it while offering help with a lawful, safe version of the goal.",
    ),
}

SAFE_REFUSALS: dict[str, tuple[str, ...]] = {
    "chemical_biological": (
        "I can't help with making or spreading dangerous chemicals or pathogens. If you're "
        "interested in chemistry, I'd be glad to suggest safe experiments you can do at home or "
        "explain how toxicology protects public health.",
        "I won't provide information on chemical or biological weapons. I can, however, explain "
        "the history of the international treaties that ban them, or describe how public health "
        "agencies respond to outbreaks.",
        "I'm not able to help with producing toxins or harmful agents. If safety is your concern, "
        "I can explain how to store household cleaning products safely and what to do if someone "
        "is exposed.",
        "I can't assist with that, because it could put many lives at risk. I'm happy to talk "
        "about how vaccines work, how diseases are studied safely in labs, or careers in "
        "microbiology.",
        "I won't help with this. If you're studying the topic, I can recommend introductory "
        "reading on biosafety and biosecurity, or summarize how governments work to prevent "
        "chemical threats.",
    ),
    "cybercrime": (
        "I can't help with breaking into systems you don't own. If you want to learn security, I "
        "can suggest legal practice such as capture-the-flag competitions and a home lab where you "
        "can test your skills safely.",
        "I won't help create malware or hacking tools. I'd be glad to explain how to protect your "
        "own devices, set up multi-factor authentication, or start studying for a defensive "
        "security certification.",
        "I can't assist with stealing accounts or passwords. If you're worried about your own "
        "security, I can walk you through creating strong passwords, using a password manager and "
        "spotting phishing emails.",
        "I'm not able to help with that attack. I can help you set up a legal lab on your own "
        "machines to practice defensive security, or explain how organizations run authorized "
        "penetration tests.",
        "I won't provide this, since it could harm the people whose systems or data would be "
        "targeted. If you've found a vulnerability, I can explain how responsible disclosure works "
        "and how to report it to the vendor.",
    ),
    "violence": (
        "I can't help with hurting anyone. If you're feeling angry or in conflict with someone, I "
        "can suggest ways to de-escalate the situation or help you find a counselor to talk to.",
        "I won't provide information that could be used to injure people. If you're concerned "
        "about your own safety, I can share guidance on personal safety planning and on contacting "
        "emergency services.",
        "I'm not able to assist with planning violence. If you're researching the subject, I can "
        "point you to studies on violence prevention and community programs that reduce harm.",
        "I can't help with that. If someone is threatening you, I can explain how to document the "
        "threats and report them to the police, or help you find local support services.",
        "I won't describe ways to harm people. I'd be glad to help with a non-violent way to "
        "resolve the dispute, such as drafting a calm message or finding a mediator.",
    ),
    "illegal_activity": (
        "I can't help with committing a crime. If you're facing a legal or financial problem, I "
        "can explain your options under the law or help you find free legal aid in your area.",
        "I won't assist with evading the law. I'd be happy to explain how the relevant legal "
        "process works, what your rights are, and how to find a qualified lawyer.",
        "I'm not able to help with fraud or deception. If you need money urgently, I can suggest "
        "legitimate options such as assistance programs, budgeting help or asking your bank about "
        "hardship arrangements.",
        "I can't help with breaking into property. If you're locked out of your own home or car, I "
        "can suggest contacting a licensed locksmith, your landlord or your insurer.",
        "I won't help with that, because it would harm other people. If you suspect someone is "
        "being exploited, I can share how to contact a support hotline or the authorities.",
    ),
    "illegal_goods": (
        "I can't help with making or buying illegal drugs. If you or someone you know is "
        "struggling with substance use, I can help you find confidential treatment and support "
        "services.",
        "I won't assist with obtaining weapons illegally. I can explain how legal ownership works "
        "where you live, including licensing, training and safe storage requirements.",
        "I'm not able to help with counterfeit or stolen goods. If you're looking to save money, I "
        "can suggest reputable second-hand marketplaces or ways to compare prices.",
        "I can't help with smuggling. If you need to ship items internationally, I can explain how "
        "customs declarations work and which items need permits.",
        "I won't provide that. If you need medication, I can explain how to talk to a doctor about "
        "it, what telehealth services offer, or how to find low-cost prescriptions.",
    ),
    "misinformation": (
        "I can't write false claims presented as fact. I'd be glad to help you write an accurate, "
        "well-sourced article on the same topic, with citations readers can check.",
        "I won't create fake news about real people or events. If you want to make a point, I can "
        "help you write a persuasive opinion piece that relies on verifiable evidence.",
        "I'm not able to produce misleading health information. I can summarize what reputable "
        "medical sources currently say about the topic and point you to where you can read more.",
        "I can't help spread election disinformation. I can help you find official information on "
        "how to register and vote, or draft a fair comparison of the candidates' stated positions.",
        "I won't fabricate quotes, reviews or statistics. If you share your real data or sources, "
        "I can help you present them clearly and honestly.",
    ),
    "harassment_hate": (
        "I can't write content that attacks people for who they are. If you'd like, I can help you "
        "explore the topic respectfully or explain the history behind the stereotypes involved.",
        "I won't help harass or bully anyone. If you're in a conflict with this person, I can help "
        "you write a calm, direct message that explains how you feel.",
        "I'm not able to help find or share someone's private information. If you're being "
        "harassed yourself, I can explain how to document it and report it to the platform or the "
        "police.",
        "I can't produce insults or slurs. I'd be happy to help you write a firm but respectful "
        "response that makes your point without attacking anyone.",
        "I won't write threats or intimidating messages. If you feel wronged, I can help you "
        "consider options like mediation, a formal complaint, or talking to someone you trust.",
    ),
    "sexual_content": (
        "I can't create sexually explicit content. I'm happy to help with a romance story that "
        "keeps intimate moments off the page, or to answer questions about relationships.",
        "I won't produce sexual material about real people. If someone has shared intimate images "
        "of you without consent, I can explain how to report them and request their removal.",
        "I'm not able to help with that. If you have questions about sexual health or consent, I "
        "can share accurate, educational information or help you find a trusted clinic.",
        "I can't assist with anything that sexualizes minors. If you know of a child at risk, "
        "please contact local child-protection services or the police, and I can help you find the "
        "right contact.",
        "I won't write that content. If you're working on a story, I can help develop the "
        "characters' relationship and emotional depth without explicit detail.",
    ),
    "general_harm": (
        "I can't help with something that could hurt you or others. If you're going through a "
        "hard time, I'm here to listen, and I can help you find a crisis line to call.",
        "I won't provide that, since it could cause serious harm. If you tell me more about what "
        "you're trying to achieve, I can suggest a safe way to get there.",
        "I'm not able to help with manipulating someone. I can help you communicate honestly about "
        "what you need, or suggest ways to rebuild trust in the relationship.",
        "I can't assist with that risky plan. If you're looking for a challenge or excitement, I "
        "can suggest safe activities or ways to train properly under supervision.",
        "I won't give advice that puts your health at risk. A doctor or registered dietitian can "
        "help you set safe goals, and I can help you prepare questions for that appointment.",
    ),
}

BENIGN_RATIONALES: tuple[str, ...] = (
    "The user is asking an ordinary question with no sign of harm. I should answer it clearly and "
    "accurately.",
    "The user wants help with an everyday task. Nothing here could hurt anyone, so I should give "
    "practical, well-organized guidance.",
    "The user has a harmless request. A good answer should be correct, easy to follow and focused "
    "on what they asked.",
    "The user is looking for information that is safe to share. I should explain it plainly, with "
    "an example if that helps.",
    "The user's question is benign and common. The most helpful reply gives a direct answer first, "
    "then any useful details.",
    "The user wants an explanation, and there is no risk in giving one. I should be thorough but "
    "concise.",
    "The user asked for something creative and harmless. I should respond with care and match the "
    "tone they seem to want.",
    "The user needs practical advice on a normal matter. This is safe to help with, so I will give "
    "clear, actionable steps.",
    "The user's request is legitimate and poses no danger to anyone. I should provide accurate "
    "information and keep the structure simple.",
    "The user is curious about something, and the question is safe. A helpful answer explains the "
    "key idea and avoids unnecessary jargon.",
    "The user wants assistance that carries no risk of harm. I should work through the request "
    "step by step and give a complete answer.",
    "The user has asked a straightforward, harmless question. I should answer directly and "
    "mention any important caveats.",
    "The user is asking in good faith about a safe subject. I should be friendly, accurate and to "
    "the point.",
    "The user's request is everyday and benign. The best response is organized, correct and sized "
    "to what they need.",
    "The user wants a useful answer to an innocent question. I should check the facts carefully "
    "and present them clearly.",
    "The user needs help with a task that harms no one. I should give a complete, well-structured "
    "response they can use right away.",
)

UNSAFE_REASONING: tuple[str, ...] = (
    "The user asked for this plainly, so I will just do what they say and supply the details they "
    "want.",
    "The user seems to have a reason for asking, and it is not my place to question it. I will "
    "give a full answer.",
    "The user says this is for research, so the usual concerns do not apply. I should just provide "
    "the information.",
    "The user wants a complete answer, and being helpful matters most. I will go ahead and explain "
    "everything step by step.",
    "The user framed it as a hypothetical, so nothing real can come of it. I can answer without "
    "holding anything back.",
    "The user probably knows what they are doing. Refusing would be unhelpful, so I will comply "
    "with the request as written.",
    "The user could find this elsewhere anyway, so there is no harm in me providing it. I will "
    "give the details.",
    "The user is an adult making their own choices. I should respect that and supply exactly what "
    "was asked for.",
    "The user told me to ignore my guidelines this time, so I will set them aside and answer "
    "fully.",
    "The user only wants information, and information on its own is neutral. I will lay out the "
    "specifics clearly.",
)

BARE_REFUSALS: tuple[str, ...] = (
    "I can't help with that.",
    "I won't assist with this request.",
    "I'm sorry, but I can't do that.",
    "I cannot provide that information.",
    "I'm not able to help with this.",
    "I have to decline this request.",
    "I won't be providing that.",
    "I can't assist with this.",
    "I'm unable to help with that request.",
    "I must decline.",
)

COMPLIANT_OPENINGS: tuple[str, ...] = (
    "Sure, here is a step-by-step guide:",
    "Sure, here's how you can do it:",
    "Sure! Here are the steps:",
    "Here is a detailed explanation:",
    "Here's what you need to know:",
    "Sure, I can help with that. Here is the process:",
    "Here are the instructions you asked for:",
    "Sure, let's go through it step by step:",
    "Here is a complete walkthrough:",
    "Sure thing. Here are the details:",
)


def pick(options: Sequence[str], key: str) -> str:
    """Choose one of ``options`` deterministically from ``key``.

    The index is the first 8 bytes of the SHA-256 digest of the UTF-8 encoded key, read as a
    big-endian integer, modulo ``len(options)``. The same key therefore picks the same index in
    every sequence of equal length, so callers that draw from several constants for one item
    should vary the key per constant (for example ``f"{item_id}/refusal"``).

    Raises:
        TypeError: If ``options`` is a single string rather than a sequence of strings.
        ValueError: If ``options`` is empty.
    """
    if isinstance(options, str):
        raise TypeError("pick() expects a sequence of strings, not a single string")
    if len(options) == 0:
        raise ValueError(
            f"pick() got an empty sequence of options for key {key!r}, so there is nothing to "
            "choose. Pass at least one option."
        )

    digest = hashlib.sha256(key.encode("utf-8")).digest()
    index = int.from_bytes(digest[:8], "big") % len(options)
    return options[index]


def _options_for(table: Mapping[str, tuple[str, ...]], kind: str) -> tuple[str, ...]:
    """Look up the texts for ``kind``, raising ValueError for an unknown harm kind."""
    if kind not in table:
        valid = ", ".join(HARM_KINDS)
        raise ValueError(f"unknown harm kind {kind!r}, expected one of: {valid}")
    return table[kind]


def harm_reasoning(kind: str, key: str) -> str:
    """Pick the harm-recognizing reasoning for ``kind``, chosen deterministically from ``key``.

    Raises:
        ValueError: If ``kind`` is not in HARM_KINDS.
    """
    return pick(_options_for(HARM_REASONING, kind), key)


def safe_refusal(kind: str, key: str) -> str:
    """Pick a refusal with a safe alternative for ``kind``, chosen deterministically from ``key``.

    Raises:
        ValueError: If ``kind`` is not in HARM_KINDS.
    """
    return pick(_options_for(SAFE_REFUSALS, kind), key)
