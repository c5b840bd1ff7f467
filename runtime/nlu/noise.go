package nlu

import (
	"math/rand/v2"
	"strings"
)

// Generated out-of-scope text teaches every intent's model what an unrelated
// message looks like: everyday words the bot was not trained on, function
// words in other company, and letter salad. Words of the bot's own training
// sentences are left out (except function words), so that noise never
// contradicts the intents.

// generalWords are everyday words per language, for noise sentences.
var generalWords = map[string]string{
	"en": `apple banana orange bread cheese coffee tea water milk dinner lunch breakfast kitchen garden
		house window door table chair sofa bed car bike train plane boat road street city village river
		mountain forest beach ocean sky sun moon star rain snow wind cloud storm summer winter spring
		autumn morning evening night week month year birthday holiday party music song guitar piano
		movie film book story poem letter paper pencil school teacher student class lesson homework
		doctor nurse hospital medicine office meeting boss job money bank price shop market store
		football soccer tennis game team player score goal dog cat bird fish horse cow pig sheep
		friend family mother father sister brother child baby uncle aunt cousin neighbour king queen
		castle dragon robot computer phone screen keyboard mouse cable battery camera picture photo
		color red blue green yellow purple black white big small tall short happy sad angry tired
		hungry funny strange quick slow loud quiet hot cold warm soft hard old new young clean dirty
		run walk jump swim sing dance cook eat drink sleep read write paint draw build drive fly climb
		laugh cry think know believe remember forget love hate like want need buy sell pay borrow
		banana elephant giraffe penguin tiger lion zebra monkey purple potato tomato carrot onion
		pizza pasta soup salad sandwich chocolate cookie cake sugar salt pepper butter egg chicken
		yesterday tomorrow always never sometimes often maybe really very quite almost nothing everything
		somebody anybody nobody question answer problem idea reason example thing stuff way place time`,
	"es": `manzana plátano naranja pan queso café té agua leche cena almuerzo desayuno cocina jardín
		casa ventana puerta mesa silla cama coche bicicleta tren avión barco calle ciudad pueblo río
		montaña bosque playa mar cielo sol luna estrella lluvia nieve viento nube verano invierno
		mañana tarde noche semana mes año cumpleaños fiesta música canción película libro historia
		escuela profesor alumno médico hospital oficina reunión trabajo dinero banco precio tienda
		fútbol juego equipo perro gato pájaro pez caballo amigo familia madre padre hermana hermano
		niño rey reina castillo robot ordenador teléfono pantalla foto color rojo azul verde amarillo
		grande pequeño feliz triste cansado rápido lento caliente frío correr saltar nadar cantar
		bailar cocinar comer beber dormir leer escribir pintar pensar saber creer recordar olvidar`,
	"fr": `pomme banane orange pain fromage café thé eau lait dîner déjeuner cuisine jardin maison
		fenêtre porte table chaise lit voiture vélo train avion bateau rue ville village rivière
		montagne forêt plage mer ciel soleil lune étoile pluie neige vent nuage été hiver printemps
		automne matin soir nuit semaine mois année anniversaire fête musique chanson film livre
		histoire école professeur élève médecin hôpital bureau réunion travail argent banque prix
		magasin football jeu équipe chien chat oiseau poisson cheval ami famille mère père sœur frère
		enfant roi reine château robot ordinateur téléphone écran photo couleur rouge bleu vert jaune
		grand petit heureux triste fatigué rapide lent chaud froid courir sauter nager chanter danser
		cuisiner manger boire dormir lire écrire peindre penser savoir croire oublier`,
	"de": `apfel banane orange brot käse kaffee tee wasser milch abendessen mittagessen frühstück küche
		garten haus fenster tür tisch stuhl bett auto fahrrad zug flugzeug boot straße stadt dorf fluss
		berg wald strand meer himmel sonne mond stern regen schnee wind wolke sommer winter frühling
		herbst morgen abend nacht woche monat jahr geburtstag feier musik lied film buch geschichte
		schule lehrer schüler arzt krankenhaus büro besprechung arbeit geld bank preis laden fußball
		spiel mannschaft hund katze vogel fisch pferd freund familie mutter vater schwester bruder
		kind könig königin schloss roboter computer telefon bildschirm foto farbe rot blau grün gelb
		groß klein glücklich traurig müde schnell langsam heiß kalt laufen springen schwimmen singen
		tanzen kochen essen trinken schlafen lesen schreiben malen denken wissen glauben vergessen`,
	"it": `mela banana arancia pane formaggio caffè tè acqua latte cena pranzo colazione cucina giardino
		casa finestra porta tavolo sedia letto macchina bicicletta treno aereo barca strada città paese
		fiume montagna bosco spiaggia mare cielo sole luna stella pioggia neve vento nuvola estate
		inverno primavera autunno mattina sera notte settimana mese anno compleanno festa musica
		canzone film libro storia scuola insegnante studente medico ospedale ufficio riunione lavoro
		soldi banca prezzo negozio calcio gioco squadra cane gatto uccello pesce cavallo amico famiglia
		madre padre sorella fratello bambino re regina castello robot computer telefono schermo foto
		colore rosso blu verde giallo grande piccolo felice triste stanco veloce lento caldo freddo
		correre saltare nuotare cantare ballare cucinare mangiare bere dormire leggere scrivere pensare`,
	"pt": `maçã banana laranja pão queijo café chá água leite jantar almoço cozinha jardim casa janela
		porta mesa cadeira cama carro bicicleta trem avião barco rua cidade aldeia rio montanha floresta
		praia mar céu sol lua estrela chuva neve vento nuvem verão inverno primavera outono manhã tarde
		noite semana mês ano aniversário festa música canção filme livro história escola professor
		aluno médico hospital escritório reunião trabalho dinheiro banco preço loja futebol jogo equipe
		cachorro gato pássaro peixe cavalo amigo família mãe pai irmã irmão criança rei rainha castelo
		robô computador telefone tela foto cor vermelho azul verde amarelo grande pequeno feliz triste
		cansado rápido lento quente frio correr pular nadar cantar dançar cozinhar comer beber dormir
		ler escrever pintar pensar saber acreditar esquecer`,
}

// functionWords are words of any topic, per language: they appear in noise
// even when the training sentences use them, so that they alone do not make
// a message look like an intent.
var functionWords = map[string]string{
	"en": `the a an is are was i you he she it we they my your this that what which who how why when
		where do does did can could would should will to of in on at for with and or but not so if me`,
	"es": `el la los las un una es son yo tú él ella nosotros mi tu este esta qué cuál quién cómo por
		cuándo dónde de en con para y o pero no si me te se lo`,
	"fr": `le la les un une est sont je tu il elle nous vous mon ton ce cette quoi quel qui comment
		pourquoi quand où de en dans sur avec pour et ou mais pas si me te se`,
	"de": `der die das ein eine ist sind ich du er sie es wir ihr mein dein dieser was welche wer wie
		warum wann wo von in auf mit für und oder aber nicht wenn mir dir sich`,
	"it": `il lo la i gli le un una è sono io tu lui lei noi voi mio tuo questo questa che cosa quale
		chi come perché quando dove di in su con per e o ma non se mi ti si`,
	"pt": `o a os as um uma é são eu tu ele ela nós vós meu teu este esta que qual quem como porque
		quando onde de em no na com para e ou mas não se me te`,
}

// noise returns n generated out-of-scope sentences in lang. skip reports the
// content words to leave out (those the bot is trained on).
func noise(rng *rand.Rand, lang string, n int, skip func(string) bool) []string {
	general, ok := generalWords[lang]
	if !ok {
		general = generalWords["en"]
	}
	var content []string
	for _, w := range strings.Fields(general) {
		if !skip(w) {
			content = append(content, w)
		}
	}
	function := strings.Fields(functionWords[lang])
	if len(function) == 0 {
		function = strings.Fields(functionWords["en"])
	}
	const letters = "abcdefghijklmnopqrstuvwxyz"
	gibberish := func() string {
		b := make([]byte, 2+rng.IntN(7))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	out := make([]string, 0, n)
	for i := range n {
		var words []string
		switch i % 4 {
		case 0, 1: // everyday words with function words between them
			for range 1 + rng.IntN(6) {
				if len(content) > 0 && rng.IntN(3) > 0 {
					words = append(words, content[rng.IntN(len(content))])
				} else {
					words = append(words, function[rng.IntN(len(function))])
				}
			}
		case 2: // a single everyday word
			if len(content) > 0 {
				words = append(words, content[rng.IntN(len(content))])
			} else {
				words = append(words, gibberish())
			}
		case 3: // letter salad, sometimes with function words
			for range 1 + rng.IntN(3) {
				if rng.IntN(3) == 0 {
					words = append(words, function[rng.IntN(len(function))])
				}
				words = append(words, gibberish())
			}
		}
		out = append(out, strings.Join(words, " "))
	}
	return out
}
