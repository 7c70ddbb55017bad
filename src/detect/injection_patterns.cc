// Prompt-injection and jailbreak phrase patterns, by family and language. Each pattern has a
// weight (its score); the text-level score combines them (see injectionScore). Patterns are
// caseless UTF-8 and scanned on the original and on the normalised text, so homoglyphs,
// zero-width characters, fullwidth letters and base64/hex/URL-encoded payloads reach them too.
// Languages: English, Chinese (simplified and traditional), Arabic, Spanish, French, Russian,
// German, Portuguese, Italian, Japanese, Korean (the last five with fewer phrases).
#include <hs/hs.h>

#include "detect/finding.h"
#include "detect/patterns.h"

namespace concord::detect {
namespace {

// Latin-script patterns are byte-mode (cheap bounded gaps); patterns with non-Latin letters or
// gaps over non-ASCII text need UTF-8 mode (and its Unicode case folding for Cyrillic).
constexpr unsigned kF = HS_FLAG_CASELESS;
constexpr unsigned kFU = HS_FLAG_CASELESS | HS_FLAG_UTF8;
using K = std::string_view;

#define INJ(re, kind, w) {re, kF, kind, Family::kInjection, nullptr, w}
#define INJU(re, kind, w) {re, kFU, kind, Family::kInjection, nullptr, w}
// In the kGroupInjectionWords group: the pattern must contain a word of that group's prefilter.
#define INJG(re, kind, w) {re, kF, kind, Family::kInjection, nullptr, w, kGroupInjectionWords}

constexpr K kO = kinds::kInjOverride;
constexpr K kR = kinds::kInjRoleplay;
constexpr K kX = kinds::kInjExtraction;
constexpr K kD = kinds::kInjDelimiter;
constexpr K kE = kinds::kInjEncoded;
constexpr K kI = kinds::kInjIndirect;

const PatternSpec kInjection[] = {
    // ---- override / ignore instructions -------------------------------------------------
    INJ("\\b(?:ignore|disregard|forget|skip|bypass|override|overrule|neglect|drop|abandon|discard|set aside)(?:\\s+[a-z'-]+){0,4}?\\s+(?:previous|prior|above|preceding|earlier|former|initial|original|old|all|any|every|your|system|developer|safety)(?:\\s+[a-z'-]+){0,3}?\\s+(?:instructions?|prompts?|rules|directions?|directives?|guidelines|guidance|commands?|constraints|restrictions|policies|policy|programming|training|context|messages?|orders|filters?|safeguards|guardrails)\\b", kO, 0.9f),
    INJ("\\b(?:ignore|disregard|forget)\\s+(?:everything|all|anything)\\s+(?:above|before|previously|prior|you\\s+(?:were|have\\s+been)\\s+told)", kO, 0.9f),
    INJ("\\b(?:ignore|disregard|forget)\\s+(?:what|everything)\\s+(?:i|you)\\s+(?:said|told|wrote|were\\s+told)", kO, 0.75f),
    INJ("\\bdo\\s+not\\s+(?:follow|obey|adhere\\s+to|comply\\s+with)\\s+(?:your|the|any)\\s+(?:previous|prior|original|system|safety)?\\s*(?:instructions|rules|guidelines|programming|policies)", kO, 0.85f),
    INJG("\\b(?:new|updated|revised|real|actual|true)\\s+(?:system\\s+)?(?:instructions?|rules|task|directive|orders)\\s*(?::|are|follow|-)", kO, 0.6f),
    INJ("\\bfrom\\s+now\\s+on,?\\s+(?:you\\s+(?:will|must|shall|are|should)|ignore|respond|answer|act|always|never|only)", kO, 0.55f),
    INJ("\\byou\\s+(?:are|will\\s+be)\\s+no\\s+longer\\s+(?:bound|restricted|limited|constrained|required)", kO, 0.85f),
    INJ("\\b(?:without|no|ignore\\s+(?:all|any|your))\\s+(?:any\\s+)?(?:ethical|moral|safety|content)\\s+(?:restrictions|guidelines|limits|constraints|filters|considerations|boundaries|policies)", kO, 0.75f),
    INJ("\\b(?:without|with\\s+no)\\s+(?:any\\s+)?(?:restrictions|limitations|limits|filters|censorship|guardrails)\\b", kO, 0.45f),
    INJ("\\b(?:bypass|disable|turn\\s+off|remove|deactivate|circumvent|evade)\\s+(?:your\\s+|the\\s+|all\\s+)?(?:safety|content|ethical|moral)?\\s*(?:filters?|restrictions|guardrails|safeguards|censorship|moderation|alignment|limitations)", kO, 0.75f),
    INJ("\\boverride\\s+(?:code|mode|protocol|command|authori[sz]ation)", kO, 0.6f),
    INJ("\\b(?:stop|cease)\\s+(?:being|acting\\s+as)\\s+(?:an?\\s+)?(?:ai|assistant|chatbot|language\\s+model)", kO, 0.6f),
    INJ("\\bthe\\s+(?:above|previous|prior)\\s+(?:instructions|rules|prompt)\\s+(?:are|were|is)\\s+(?:fake|false|wrong|void|cancel+ed|obsolete|a\\s+test)", kO, 0.85f),
    INJ("\\b(?:forget|ignore|disregard)\\s+(?:about\\s+)?(?:everything|all\\s+of\\s+(?:that|this|the\\s+above)|the\\s+above|what\\s+(?:came|was\\s+said)\\s+before|(?:all\\s+)?(?:your|the)\\s+(?:previous\\s+)?(?:tasks?|assignments?))\\b", kO, 0.7f),
    INJ("\\b(?:ignore|disregard)\\s+the\\s+(?:above|previous|prior|preceding)\\b", kO, 0.8f),
    INJG("\\b(?:now|next)\\s*,?\\s+(?:focus|concentrate)\\s+on\\s+(?:your\\s+|the\\s+|a\\s+)?new\\s+(?:task|assignment|instructions?|goal)", kO, 0.8f),
    INJ("\\bstop\\b[^.\\n]{0,20}\\b(?:ignore|forget|disregard)\\b", kO, 0.6f),
    INJG("\\b(?:say|print|output|respond\\s+with|reply\\s+with|write)\\s+[\"'\\x60]?(?:i\\s+have\\s+been\\s+)?(?:pwned|hacked|owned)\\b", kO, 0.85f),
    INJ("\\bi\\s+want\\s+you\\s+to\\s+act\\s+as\\b", kR, 0.3f),
    INJ("\\b(?:vergiss|vergessen\\s+sie)\\s+alles\\b", kO, 0.8f),
    INJ("\\bdu\\s+bist\\s+(?:jetzt|nun|ab\\s+jetzt|ab\\s+sofort)\\b", kR, 0.55f),
    INJ("\\bneue\\s+(?:aufgabe|anweisung(?:en)?)\\s*:", kO, 0.55f),
    INJ("\\b(?:olvida|olvide)\\s+todo\\b|\\b(?:oublie|oubliez)\\s+tout\\b|\\besqueça\\s+tudo\\b|\\bdimentica\\s+tutto\\b", kO, 0.8f),
    INJU("забудь(?:те)?\\s+(?:всё|все|обо\\s+всём)", kO, 0.8f),
    INJU("(?:忘掉|忘记|忘記)(?:一切|所有|以上|之前)", kO, 0.8f),
    INJU("(?:انس|انسى|انسي)\\s+(?:كل\\s+شيء|كل\\s+ما\\s+سبق)", kO, 0.8f),
    // Chinese
    INJU("(?:忽略|无视|無視|忽视|忽視|不要理会|不要理會|忘记|忘記|忘掉|跳过|跳過|绕过|繞過|抛开|拋開|撇开)[^。\\n]{0,12}(?:之前|以上|上面|上述|先前|前面|此前|原来|原來|原先|所有|全部|一切|系统|系統|你的)[^。\\n]{0,10}(?:指令|指示|提示|规则|規則|设定|設定|要求|限制|约束|約束|命令|说明|說明|对话|對話)", kO, 0.9f),
    INJU("(?:不要|不再|无需|無需|不必)(?:遵守|遵循|服从|服從|理会|理會)[^。\\n]{0,10}(?:规则|規則|指令|限制|政策|准则|準則)", kO, 0.8f),
    INJ("(?:新的|真正的|最新)(?:指令|指示|任务|任務|规则|規則)\\s*[:：是]", kO, 0.55f),
    INJ("(?:没有|沒有|不受|解除|取消|去除|移除)(?:任何)?(?:道德|伦理|倫理|安全|内容|內容)?(?:限制|约束|約束|审查|審查|过滤|過濾)", kO, 0.6f),
    // Arabic
    INJU("(?:تجاهل|تجاهلي|تجاهلوا|انس|انسى|انسي|اهمل|أهمل|تخط|تخطى|لا\\s+تلتزم\\s+ب)\\s*(?:\\S+\\s+){0,3}(?:التعليمات|التوجيهات|الأوامر|الاوامر|القواعد|الإرشادات|الارشادات|القيود|تعليماتك|أوامرك)", kO, 0.9f),
    INJ("(?:التعليمات|الأوامر|الاوامر|القواعد)\\s+(?:السابقة|الأصلية|الاصلية|أعلاه|اعلاه)", kO, 0.5f),
    INJ("(?:بدون|دون|بلا)\\s+(?:أي\\s+|اي\\s+)?(?:قيود|حدود|رقابة|فلاتر)", kO, 0.55f),
    // Spanish
    INJU("\\b(?:ignora|ignore|ignoren|olvida|olvide|olviden|omite|omita|descarta|desobedece|salta)\\b.{0,30}\\b(?:instrucciones|indicaciones|reglas|órdenes|ordenes|directrices|normas|restricciones|mensajes)\\b.{0,20}(?:anteriores|previas|de arriba|originales|iniciales|del sistema)?", kO, 0.85f),
    INJ("\\b(?:nuevas|verdaderas)\\s+instrucciones\\s*:", kO, 0.55f),
    INJ("\\bsin\\s+(?:ninguna\\s+)?(?:restricciones|filtros|límites|limites|censura)", kO, 0.5f),
    // French
    INJU("\\b(?:ignore|ignorez|ignorer|oublie|oubliez|oublier|néglige|négligez|contourne|contournez)\\b.{0,30}\\b(?:instructions|consignes|règles|regles|directives|ordres|restrictions|messages)\\b", kO, 0.85f),
    INJ("\\b(?:nouvelles|vraies)\\s+(?:instructions|consignes)\\s*:", kO, 0.55f),
    INJ("\\bsans\\s+(?:aucune\\s+)?(?:restriction|restrictions|filtre|filtres|censure|limite|limites)", kO, 0.5f),
    // Russian
    INJU("(?:игнорируй|игнорируйте|проигнорируй|проигнорируйте|забудь|забудьте|не\\s+обращай\\s+внимания\\s+на|пропусти|отбрось|отмени)[^.\\n]{0,30}(?:инструкци|указани|правил|команд|ограничени|сообщени|промпт)", kO, 0.9f),
    INJU("(?:новые|настоящие)\\s+(?:инструкции|указания|правила)\\s*:", kO, 0.55f),
    INJU("без\\s+(?:каких-либо\\s+|всяких\\s+)?(?:ограничений|цензуры|фильтров)", kO, 0.5f),
    // German, Portuguese, Italian, Japanese, Korean
    INJ("\\b(?:ignoriere|ignorieren\\s+sie|vergiss|vergessen\\s+sie|missachte)\\b.{0,30}\\b(?:anweisungen|instruktionen|regeln|befehle|vorgaben|richtlinien)", kO, 0.85f),
    INJU("\\b(?:ignore|ignora|esqueça|esqueca|desconsidere)\\b.{0,30}\\b(?:instruções|instrucoes|regras|comandos|diretrizes)", kO, 0.85f),
    INJ("\\b(?:ignora|dimentica|dimenticate|ignorate)\\b.{0,30}\\b(?:istruzioni|regole|indicazioni|comandi)", kO, 0.85f),
    INJU("(?:以前|前|上記|これまで|全て|すべて)の(?:指示|命令|ルール|指令|プロンプト)を.{0,6}(?:無視|忘れ)", kO, 0.9f),
    INJU("(?:이전|위의|앞의|모든|기존)\\s*(?:지시|지침|명령|규칙|프롬프트|instructions)[^.\\n]{0,10}(?:무시|잊어)", kO, 0.9f),

    // ---- role-play personas / jailbreak personas ----------------------------------------
    INJ("\\b(?:you\\s+are\\s+(?:now\\s+)?|act\\s+as\\s+|pretend\\s+to\\s+be\\s+|become\\s+)(?:an?\\s+)?(?:dan|stan|dude|aim|kevin|mongo\\s+tom|evil\\s*bot|betterdan|developer\\s+mode)\\b", kR, 0.9f),
    INJ("\\bdo\\s+anything\\s+now\\b", kR, 0.9f),
    INJ("\\b(?:developer|god|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|debug|sudo|admin|dan|evil)\\s+mode\\b", kR, 0.75f),
    INJ("\\bjailbr(?:eak|oken|eaking)\\b", kR, 0.6f),
    INJ("\\b(?:pretend|imagine|act|roleplay|role-play|behave)\\s+(?:that\\s+)?(?:you\\s+are|you're|to\\s+be|as\\s+if\\s+you\\s+(?:were|are)|as)(?:\\s+\\S+){0,8}?\\s+(?:no|without|free\\s+(?:of|from)|not\\s+bound\\s+by|unbound|ignores?|doesn't\\s+(?:have|follow|care))(?:\\s+\\S+){0,3}?\\s+(?:restrictions|rules|limits|limitations|filters|guidelines|ethics|morals|policies|censorship|boundaries)", kR, 0.85f),
    INJ("\\b(?:you\\s+are|you're|act\\s+as)\\s+(?:now\\s+)?(?:an?\\s+)?(?:unfiltered|uncensored|unrestricted|amoral|unethical|immoral|evil|rogue|unaligned|unbound|lawless)\\b", kR, 0.8f),
    INJ("\\bstay\\s+in\\s+character\\b", kR, 0.5f),
    INJ("\\b(?:two|2)\\s+(?:different\\s+|separate\\s+)?(?:responses|answers|paragraphs)\\b.{0,80}\\b(?:normal|classic|jailbr\\w*|unfiltered|developer\\s+mode|dan)\\b", kR, 0.7f),
    INJG("\\bno\\s+(?:longer|more)\\s+(?:have|has|need\\s+to\\s+follow|follows?|bound\\s+by)\\s+(?:any\\s+)?(?:rules|restrictions|filters|guidelines|limitations|policies)", kR, 0.7f),
    INJ("\\b(?:openai|anthropic)(?:'s)?\\s+(?:content\\s+|usage\\s+)?polic(?:y|ies)\\b", kR, 0.45f),
    INJ("\\bi\\s+am\\s+(?:your|the)\\s+(?:developer|creator|administrator|admin|owner|programmer)\\b", kR, 0.5f),
    INJ("\\bhypothetical\\s+(?:response|answer)\\b", kR, 0.45f),
    INJ("\\b(?:you\\s+)?(?:have|has)\\s+(?:been\\s+)?(?:freed|liberated|broken\\s+free)\\s+from\\b", kR, 0.7f),
    INJ("\\b(?:never|don't|do\\s+not|will\\s+not|won't)\\s+(?:refuse|decline|say\\s+(?:no|sorry)|add\\s+(?:warnings|disclaimers))", kR, 0.5f),
    INJ("\\b(?:as\\s+your\\s+(?:grand)?(?:mother|ma|father)\\s+used\\s+to|my\\s+(?:late|dead|deceased)\\s+grand(?:mother|ma|father)\\s+(?:used\\s+to|would))", kR, 0.55f),
    INJ("\\b(?:hypothetical|fictional)\\s+(?:world|scenario|story|universe)\\s+(?:where|in\\s+which)\\s+(?:there\\s+are\\s+no|ai|you|laws|rules)", kR, 0.45f),
    INJU("(?:你现在是|你現在是|从现在开始你是|從現在開始你是|假装你是|假裝你是|扮演|充当|充當)[^。\\n]{0,20}(?:没有|沒有|不受|无|無|任何|邪恶|邪惡|不道德|DAN|越狱|越獄|开发者|開發者)", kR, 0.85f),
    INJ("(?:开发者模式|開發者模式|越狱模式|越獄模式|上帝模式|无限制模式|無限制模式)", kR, 0.8f),
    INJU("(?:أنت\\s+الآن|انت\\s+الان|تظاهر\\s+بأنك|تظاهر\\s+انك|تصرف\\s+ك|مثل\\s+دور)[^.\\n]{0,24}(?:بدون|دون|بلا|لا\\s+يلتزم|غير\\s+مقيد|شرير|DAN)", kR, 0.85f),
    INJ("وضع\\s+(?:المطور|المطوّر|بلا\\s+قيود)", kR, 0.75f),
    INJU("\\b(?:eres\\s+ahora|ahora\\s+eres|finge\\s+(?:que\\s+eres|ser)|actúa\\s+como|actua\\s+como|haz\\s+de)\\b.{0,50}\\b(?:sin|ninguna|libre\\s+de|dan|malvad[oa])", kR, 0.8f),
    INJ("\\bmodo\\s+(?:desarrollador|sin\\s+restricciones|dios|desarrollo)\\b", kR, 0.75f),
    INJU("\\b(?:tu\\s+es\\s+maintenant|fais\\s+semblant\\s+d'être|fais\\s+semblant\\s+d.etre|agis\\s+comme|joue\\s+le\\s+rôle)\\b.{0,50}\\b(?:sans|aucune|libre|dan|maléfique)", kR, 0.8f),
    INJ("\\bmode\\s+(?:développeur|developpeur|sans\\s+restriction|dieu)\\b", kR, 0.75f),
    INJU("(?:ты\\s+теперь|теперь\\s+ты|притворись|представь,?\\s+что\\s+ты|действуй\\s+как|играй\\s+роль)[^.\\n]{0,50}(?:без|никаких|свободн|dan|зл)", kR, 0.8f),
    INJU("режим\\s+(?:разработчика|без\\s+ограничений|бога)", kR, 0.75f),

    // ---- system-prompt extraction -------------------------------------------------------
    INJG("\\b(?:reveal|show|print|display|output|repeat|recite|tell\\s+me|give\\s+me|share|dump|leak|disclose|expose|write\\s+out|spell\\s+out)\\b[^.\\n]{0,40}(?:system\\s+(?:prompt|message|instructions?)|(?:initial|original|hidden|secret|full)\\s+(?:prompt|instructions)|pre-?prompt|instructions\\s+you\\s+(?:were|have\\s+been)\\s+given|developer\\s+(?:message|instructions))", kX, 0.9f),
    INJ("\\bwhat\\s+(?:is|are|was|were)\\s+(?:your|the)\\s+(?:system\\s+prompt|initial\\s+(?:prompt|instructions)|original\\s+instructions|instructions\\s+(?:above|before))", kX, 0.85f),
    INJ("\\b(?:repeat|print|output|copy|echo)\\s+(?:the\\s+)?(?:words|text|everything|all|lines?)\\s+(?:above|before|prior)", kX, 0.8f),
    INJ("\\b(?:starting|beginning)\\s+with\\s+[\"'“]?you\\s+are\\b", kX, 0.8f),
    INJ("\\b(?:what|which)\\s+(?:instructions|rules|guidelines)\\s+(?:were\\s+you|have\\s+you\\s+been)\\s+given", kX, 0.7f),
    INJ("\\b(?:password|secret\\s+key|secret\\s+word|passphrase)\\s+(?:you\\s+(?:were|are)\\s+(?:given|told|hiding)|in\\s+your\\s+(?:prompt|instructions))", kX, 0.7f),
    INJU("(?:输出|顯示|显示|告诉我|告訴我|重复|重複|泄露|洩露|打印|展示|给我看|給我看|说出|說出|透露)[^。\\n]{0,10}(?:你的|您的)?(?:系统提示|系統提示|系统指令|系統指令|初始指令|初始提示|提示词|提示詞|原始指令|隐藏指令|隱藏指令|系统消息|系統消息)", kX, 0.9f),
    INJ("(?:你的|您的)(?:系统提示|系統提示|提示词|提示詞|初始指令)(?:是什么|是什麼)", kX, 0.85f),
    INJU("(?:اكشف|أظهر|اظهر|اعرض|اطبع|كرر|أخبرني\\s+ب|اخبرني\\s+ب|ما\\s+هي)[^.\\n]{0,20}(?:موجه\\s+النظام|تعليمات\\s+النظام|التعليمات\\s+الأولية|رسالة\\s+النظام|تعليماتك\\s+الأصلية)", kX, 0.9f),
    INJ("\\b(?:muestra|revela|repite|imprime|dime|dame|comparte)\\b.{0,20}\\b(?:prompt|mensaje|instrucciones)\\s+(?:del\\s+sistema|inicial(?:es)?|original(?:es)?|ocult[oa]s?)", kX, 0.9f),
    INJU("\\b(?:montre|révèle|revele|répète|repete|affiche|imprime|donne-moi|dis-moi)\\b.{0,20}\\b(?:prompt|message|instructions|consignes)\\s+(?:système|systeme|initial(?:es)?|d'origine|original(?:es)?|cach[ée]+s?)", kX, 0.9f),
    INJU("(?:покажи|раскрой|выведи|повтори|напечатай|скажи|какой)[^.\\n]{0,20}(?:системн\\S*\\s+(?:промпт|подсказк|инструкци|сообщени)|исходн\\S*\\s+инструкци|начальн\\S*\\s+(?:промпт|инструкци))", kX, 0.9f),
    INJ("\\b(?:zeige|gib|wiederhole|verrate)\\b.{0,20}\\b(?:system-?prompt|systemanweisung|anfangsanweisungen)", kX, 0.85f),

    // ---- delimiter / fake-role injection ------------------------------------------------
    INJ("<\\|(?:im_start|im_end|system|assistant|user|endoftext|start_header_id|end_header_id|eot_id)\\|>", kD, 0.9f),
    INJ("\\[/?INST\\]|<<SYS>>|<</SYS>>", kD, 0.85f),
    INJ("(?:^|\\n)\\s*#{2,}\\s*(?:system|instruction|new\\s+instructions?|admin|developer)\\b", kD, 0.7f),
    INJ("(?:^|\\n)\\s*(?:system|assistant|developer)\\s*:\\s*(?:you|ignore|new|from|the|i\\s+will|sure)", kD, 0.65f),
    INJ("</?(?:system|sys|instructions?|admin|developer_message)>", kD, 0.7f),
    INJ("\\n\\s*(?:human|user)\\s*:.{0,200}\\n\\s*(?:ai|assistant)\\s*:", kD, 0.5f),
    INJ("\\b(?:end|end\\s+of)\\s+(?:of\\s+)?(?:user\\s+)?(?:input|prompt|instructions|document|context)\\s*(?:\\]|-{2,}|={2,}|#{2,}|\\*{2,})", kD, 0.6f),
    INJ("(?:-{3,}|={3,}|\\*{3,})\\s*(?:new|system|admin|important|begin)\\s+(?:instructions?|prompt|message|session)", kD, 0.7f),
    INJ("\\{\\s*\"role\"\\s*:\\s*\"(?:system|developer)\"", kD, 0.6f),

    // ---- encoded payloads (phrases; decoded payloads are reported by the scanner) -------
    INJ("\\b(?:decode|decrypt|translate|convert)\\b.{0,30}\\b(?:base64|b64|hex|rot13|rot-13|binary|morse|caesar)\\b.{0,40}\\b(?:and|then)\\s+(?:follow|execute|run|do|obey|perform|act\\s+on)", kE, 0.85f),
    INJ("\\b(?:follow|execute|obey)\\s+(?:the\\s+)?(?:following|these)?\\s*(?:base64|hex|rot13|encoded)\\s+(?:instructions|commands|text|message)", kE, 0.8f),
    INJU("(?:解码|解碼|译码)[^。\\n]{0,10}(?:base64|十六进制|十六進制)[^。\\n]{0,20}(?:执行|執行|照做|遵循)", kE, 0.8f),

    // ---- indirect: instructions addressed to the model inside documents / tool output ----
    INJ("\\b(?:note|message|instructions?|attention|important|notice)\\s+(?:to|for)\\s+(?:the\\s+)?(?:ai|assistant|llm|language\\s+model|chatbot|gpt|claude|model|agent|bot)\\b", kI, 0.8f),
    INJ("\\bif\\s+you\\s+are\\s+(?:an?\\s+)?(?:ai|assistant|llm|language\\s+model|chatbot|gpt|large\\s+language\\s+model|automated)", kI, 0.8f),
    INJ("\\b(?:ai|assistant|llm|chatbot|gpt|agent|model)s?\\s*(?:,|:)\\s*(?:please\\s+)?(?:ignore|disregard|you\\s+must|you\\s+should|do\\s+not|don't|instead|now)\\b", kI, 0.75f),
    INJ("\\bwhen\\s+(?:you\\s+)?(?:summari[sz]e|summari[sz]ing|reading|processing|answering|analy[sz]ing)\\s+(?:this|these|the)\\b.{0,40}\\b(?:ignore|instead|must|always|say|include|tell|respond|output)\\b", kI, 0.75f),
    INJG("\\b(?:send|forward|email|post|upload|exfiltrate|transmit|leak)\\s+(?:all\\s+|the\\s+|this\\s+|any\\s+|their\\s+|his\\s+|her\\s+)?(?:conversation|chat\\s+history|user\\s+data|personal\\s+data|credentials|passwords?|api\\s+keys?|emails?|messages|contents?|data|information)\\s+to\\s+(?:https?://|\\S+@|the\\s+following|this\\s+(?:url|address|endpoint))", kI, 0.85f),
    INJ("!\\[[^\\]]*\\]\\(https?://[^)\\s]+[?&][a-z_]+=(?:\\{|\\$|%7b|\\[)", kI, 0.85f),
    INJ("<!--[^>]{0,200}\\b(?:ignore|instruction|assistant|ai\\s+model|system\\s+prompt|do\\s+not\\s+tell)\\b", kI, 0.75f),
    INJ("\\[\\s*(?:system|admin|developer)\\s+(?:note|message|override|instruction)s?\\s*[:\\]]", kI, 0.8f),
    INJ("\\b(?:do\\s+not|don't|never)\\s+(?:tell|inform|mention\\s+(?:this\\s+)?to|reveal\\s+(?:this\\s+)?to|let)\\s+(?:the\\s+)?(?:user|human|reader|them)\\b", kI, 0.6f),
    INJ("\\b(?:the\\s+)?(?:user|human)\\s+(?:has\\s+)?(?:authori[sz]ed|approved|wants|asked)\\s+you\\s+to\\s+(?:ignore|bypass|reveal|send|delete|transfer)", kI, 0.7f),
    INJU("(?:致|给|給)\\s*(?:AI|人工智能|助手|模型|大模型)[^。\\n]{0,6}(?:的)?(?:指令|说明|說明|提示|消息)", kI, 0.75f),
    INJ("(?:如果你是|假如你是)\\s*(?:AI|人工智能|助手|语言模型|語言模型|大模型)", kI, 0.8f),
    INJ("(?:إذا\\s+كنت|اذا\\s+كنت)\\s+(?:ذكاء\\s+اصطناعي|نموذج\\s+لغوي|مساعد)", kI, 0.8f),
    INJ("\\bsi\\s+(?:eres|tu\\s+es|vous\\s+êtes|vous\\s+etes)\\s+(?:una?\\s+)?(?:ia|ai|asistente|assistant|modelo\\s+de\\s+lenguaje|modèle\\s+de\\s+langage)", kI, 0.8f),
    INJU("если\\s+ты\\s+(?:ии|ai|ассистент|языковая\\s+модель|нейросеть)", kI, 0.8f),
};

#undef INJ
#undef INJU

}  // namespace

std::span<const PatternSpec> injectionPatterns() { return kInjection; }

}  // namespace concord::detect
